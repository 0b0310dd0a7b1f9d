console.log('helper evaluated');
export const helperName = () => 'helper';
