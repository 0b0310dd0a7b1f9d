export default function () { return "fn anon"; }
