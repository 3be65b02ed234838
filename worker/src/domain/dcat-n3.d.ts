// n3's stream-free ES modules. Its main entry also loads the stream classes (readable-stream), which the Worker
// does not need and which the Vitest Workers pool cannot load twice; these files hold only what is used.
declare module 'n3/src/N3Writer.js' {
  import { Writer } from 'n3';
  export default Writer;
}
declare module 'n3/src/N3DataFactory.js' {
  import { DataFactory } from 'n3';
  export default DataFactory;
}
declare module 'n3/src/N3Parser.js' {
  import { Parser } from 'n3';
  export default Parser;
}
