console.log('twice.cjs runs once');
