// memery's browser app: an example image made small enough to send, off the page's main thread.
// A 40 MP photo would otherwise take seconds to read and send, and the page would freeze while it did.
self.onmessage = async ({ data: { file, side } }) => {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale)), height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    // transparent parts on white, as memery lays them for the model
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    self.postMessage({ blob: await canvas.convertToBlob({ type: "image/jpeg", quality: 0.92 }), width, height });
  } catch (e) {
    self.postMessage({ error: String(e.message || e) });
  }
};
