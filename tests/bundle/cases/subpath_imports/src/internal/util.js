export const util = () => 'util';
