export default 'a';
