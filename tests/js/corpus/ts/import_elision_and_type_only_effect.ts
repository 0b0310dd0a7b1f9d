console.log("effect loaded");
