export const dual = "du" + "al"; // only node reads this file
