console.log('listed effect runs');
