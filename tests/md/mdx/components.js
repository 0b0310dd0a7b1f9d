// components.js - the components the MDX test pages use, built with the
// JSX runtime under test (diff.mjs puts its URL in place of RUNTIME).
// Pages import some of them; the rest arrive as props.components.
import {jsx, jsxs, Fragment} from 'RUNTIME'

const box = (tag, cls) => ({children, title, ...rest}) =>
  jsxs(tag, {className: cls, 'data-props': Object.keys(rest).sort().join(',') || undefined,
    children: [title ? jsx('strong', {children: String(title)}) : null, children]})

export const Note = box('aside', 'note')
export const Warning = box('aside', 'warning')
export const Card = box('section', 'card')
export const Tabs = box('div', 'tabs')
export const Tab = ({label, children}) => jsxs('div', {role: 'tab', children: [jsx('h4', {children: label}), children]})
export const Badge = ({color = 'gray', children}) => jsx('span', {className: 'badge-' + color, children})
export const Chart = ({data = [], kind = 'bar'}) => jsx('figure', {children: kind + ':' + data.join('|')})
export const Counter = ({start = 0}) => jsx('output', {children: String(start)})
export const Wrapper = ({children}) => jsx('main', {className: 'layout', children})
export const ui = {Button: ({children, ...p}) => jsx('button', {type: 'button', ...p, children})}
export const Fragmented = () => jsxs(Fragment, {children: ['a', 'b']})

// What pages get without importing: props.components.
export const provided = {Note, Warning, Card, Tabs, Tab, Badge, Chart, Counter, ui, Callout: box('div', 'callout')}
