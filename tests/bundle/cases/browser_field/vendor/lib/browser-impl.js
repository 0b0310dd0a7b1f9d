export default () => 'impl';
