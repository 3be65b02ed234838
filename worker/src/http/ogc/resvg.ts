// resvg (WebAssembly) inside the Worker: the .wasm is bundled as a compiled module, instantiated once per isolate;
// the label font (Inter, OFL) is bundled as data because a Worker has no system fonts.
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import resvgModule from '@resvg/resvg-wasm/index_bg.wasm';
import interFont from '@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf';
import { svgToPng } from '../../domain/render-map';

let ready: Promise<void> | null = null;
const font = new Uint8Array(interFont);

export async function pngFromSvg(svg: string): Promise<Uint8Array> {
  ready ??= initWasm(resvgModule).catch((error: unknown) => {
    ready = null;
    throw error;
  });
  await ready;
  return svgToPng(Resvg, svg, font);
}
