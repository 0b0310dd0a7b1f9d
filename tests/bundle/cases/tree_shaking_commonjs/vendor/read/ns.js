exports.nsName = "ns name";
