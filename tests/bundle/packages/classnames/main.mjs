// classnames: plain CommonJS with `exports` subpaths (./bind, ./dedupe).
import cx from 'classnames';
import bind from 'classnames/bind';
import dedupe from 'classnames/dedupe';
const b = bind.bind({ btn: 'b-1', on: 'o-2' });
console.log(cx('a', { b: true, c: false }, ['d', ['e']]), b('btn', { on: true }), dedupe('x', 'y', { x: false }, 'y'));
