(globalThis.order ||= []).push("before");
