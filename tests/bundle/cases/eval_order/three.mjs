console.log('three');
