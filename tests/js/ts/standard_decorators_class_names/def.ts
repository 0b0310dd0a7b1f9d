const d = (v: any, c: any) => { console.log('ctx', JSON.stringify(c.name)); };
export default @d class {}
