// redux: the store, combined reducers, middleware.
import { createStore, combineReducers, applyMiddleware, compose, legacy_createStore } from 'redux';
const counter = (s = 0, a) => (a.type === 'inc' ? s + 1 : s);
const log = [];
const logger = () => (next) => (action) => { log.push(action.type); return next(action); };
const store = createStore(combineReducers({ counter, list: (s = [], a) => (a.type === 'add' ? [...s, a.v] : s) }), applyMiddleware(logger));
store.dispatch({ type: 'inc' }); store.dispatch({ type: 'add', v: 'x' }); store.dispatch({ type: 'inc' });
console.log(JSON.stringify(store.getState()), log.join(), typeof compose, legacy_createStore === createStore);
