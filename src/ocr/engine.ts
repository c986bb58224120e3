// The OCR engine sits behind this interface so the pipeline can run with
// tesseract.js (default), the native tesseract CLI, or test doubles.
import type { OcrResult, RawImage } from '../types.ts';

export interface OcrRequest {
  /** Greyscale or RGB pixels to read; boxes in the result are relative to this image. */
  image: RawImage;
  /** "eng", "eng+fra", ... */
  lang: string;
  /** Tesseract page segmentation mode. */
  psm: number;
  /** Resolution hint for Tesseract (pixels per inch of `image`). */
  dpi?: number;
}

export interface OcrEngine {
  readonly name: string;
  recognize(request: OcrRequest): Promise<OcrResult>;
  /** Releases workers; the engine cannot be used afterwards. */
  close(): Promise<void>;
}
