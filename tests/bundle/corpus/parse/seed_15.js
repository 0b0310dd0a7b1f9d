console.log('four');
