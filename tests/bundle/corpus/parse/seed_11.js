export default function named() { return "fn named"; }
