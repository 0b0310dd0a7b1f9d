export default 'DEV DYNAMIC';
