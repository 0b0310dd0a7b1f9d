export default () => { const s = 'NODE_ONLY_MARKER'; return s.length ? 'impl' : ''; };
