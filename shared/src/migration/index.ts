/**
 * History from the services before this one: the Django `dumpdata` and the 2022 worker dump,
 * mapped to this service's series (see docs/migration.md).
 */

export type { DumpFormat, ImportTally } from "./import";
export { DJANGO_MODEL, DumpImport, detectDumpFormat } from "./import";
