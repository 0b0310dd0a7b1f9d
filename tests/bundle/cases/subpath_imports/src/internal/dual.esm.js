export const dual = "dual";
