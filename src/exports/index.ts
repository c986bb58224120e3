// Archival and record exports. The formats are descriptors registered in formats/index.ts;
// archival.ts writes the archival ones (ALTO, PAGE, hOCR per page; PDF, METS per record),
// records/ the records themselves (JSON, JSON Lines, CSV).
export { writeArchivalExport, type ArchivalExportOptions, type ArchivalExportResult, type ArchivalRecord } from './archival.ts';
export { applyCorrections, correctedPrintedText, correctionsFromRecord, correctionsFromStoredFields } from './corrections.ts';
export type { CorrectedField, CorrectedPage, ExportLine, ExportPage, ExportWord, ReviewedFieldLike } from './corrections.ts';
export { toAlto } from './alto.ts';
export { toPageXml } from './page-xml.ts';
export { toHocr } from './hocr.ts';
export { toMets } from './mets.ts';
export { buildSearchablePdf } from './pdf.ts';
export type { ArchivalFormat, ExportFormat, RecordsFormat } from './format.ts';
export {
  ARCHIVAL_FORMAT_NAMES,
  ARCHIVAL_FORMATS,
  archivalFormat,
  FORMATS,
  isArchivalFormatName,
  RECORDS_FORMAT_NAMES,
  RECORDS_FORMATS,
  recordsFormat,
} from './formats/index.ts';
