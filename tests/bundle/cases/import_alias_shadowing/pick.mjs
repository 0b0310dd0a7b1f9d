export default function choose() { return 'picked'; }
