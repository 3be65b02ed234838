// Non-JavaScript modules the Worker bundles (wrangler: .wasm as a compiled module by default, .ttf by the Data rule).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.ttf' {
  const data: ArrayBuffer;
  export default data;
}
