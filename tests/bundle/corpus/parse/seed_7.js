export default class { who() { return "class anon"; } }
