export const circleArea = (s) => Math.PI * s.r ** 2;
