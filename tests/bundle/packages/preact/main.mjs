// preact: virtual nodes, components and context without a DOM.
import { h, Fragment, createContext, cloneElement, toChildArray, isValidElement, Component } from 'preact';
import { useState } from 'preact/hooks';
class Hello extends Component { render() { return h('p', null, 'hi ', this.props.name); } }
const ctx = createContext('default');
const tree = h(Fragment, null, h('div', { id: 'a', class: 'x' }, 'one', h('span', null, 2)), h(Hello, { name: 'you' }));
console.log(tree.type === Fragment, tree.props.children.length, isValidElement(tree));
const div = tree.props.children[0];
console.log(div.type, JSON.stringify(div.props.id), toChildArray(div.props.children).length);
const clone = cloneElement(div, { id: 'b' });
console.log(clone.props.id, clone.props.class, typeof ctx.Provider, ctx._defaultValue ?? ctx.__ ?? 'n/a');
console.log(typeof useState, typeof Hello.prototype.setState);
