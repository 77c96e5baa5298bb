// The private benchmark package, which the published CLI does not depend on: untyped here on purpose, so the CLI
// builds without it (and before it: the bench package depends on the CLI). bench.ts states the part it uses.
declare module '@backprop/bench';
