export const used = () => 'used';
