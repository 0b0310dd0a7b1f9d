// vue: server rendering through vue/server-renderer; every @vue/* entry
// switches between production and development builds on NODE_ENV, and
// under --define only the production builds may be bundled.
import { createSSRApp, h, ref, computed, reactive, watchEffect } from 'vue';
import { renderToString } from 'vue/server-renderer';
const state = reactive({ items: ['a', 'b'] });
const seen = [];
watchEffect(() => seen.push(state.items.length));
state.items.push('c');
const app = createSSRApp({
  setup() {
    const n = ref(2);
    const doubled = computed(() => n.value * 2);
    return () => h('div', { class: 'box', id: 'x' }, [`n=${n.value}`, h('span', doubled.value), h('ul', state.items.map((i) => h('li', { key: i }, i)))]);
  },
});
renderToString(app).then((html) => console.log(html, seen.join()));
