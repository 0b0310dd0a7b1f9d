export default class Named { who() { return "class named"; } }
