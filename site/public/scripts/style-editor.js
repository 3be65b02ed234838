// Style editor: redraws the preview and the legend from the unsaved form as fields change (the server renders
// them exactly as the WMS will). Without this script the « Actualiser l’aperçu » button does the same.
(() => {
  const form = document.getElementById('style-form');
  const preview = document.getElementById('style-preview');
  const legend = document.getElementById('style-legend');
  if (!form || !preview) return;
  const url = form.dataset.previewUrl;
  let timer = 0;
  let controller = null;
  const swap = (img, blob) => {
    const old = img.src;
    img.src = URL.createObjectURL(blob);
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  };
  const refresh = async () => {
    controller?.abort();
    controller = new AbortController();
    const body = new FormData(form);
    body.delete('action');
    try {
      const [map, key] = await Promise.all([
        fetch(url, { method: 'POST', body, signal: controller.signal }),
        fetch(`${url}?image=legend`, { method: 'POST', body, signal: controller.signal }),
      ]);
      // An invalid intermediate state (an empty colour, half-typed values) keeps the last good image.
      if (!map.ok || !key.ok) return;
      swap(preview, await map.blob());
      if (legend) swap(legend, await key.blob());
      preview.dataset.refreshed = String(Number(preview.dataset.refreshed || 0) + 1);
    } catch (error) {
      if (error.name !== 'AbortError') throw error;
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
})();
