// The part of better-sqlite3's API that ConvKit uses (the package ships no types, and @types/better-sqlite3
// is not a dependency). Statements bind typed arrays as blobs and return blobs as Buffers.
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface Statement<Row = unknown> {
      run(...parameters: unknown[]): RunResult;
      get(...parameters: unknown[]): Row | undefined;
      all(...parameters: unknown[]): Row[];
      iterate(...parameters: unknown[]): IterableIterator<Row>;
    }
    interface Transaction<F extends (...args: never[]) => unknown> {
      (...args: Parameters<F>): ReturnType<F>;
      immediate(...args: Parameters<F>): ReturnType<F>;
    }
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      /** SQLite's busy timeout in milliseconds (default 5000). */
      timeout?: number;
    }
  }
  class Database {
    constructor(filename: string, options?: Database.Options);
    readonly open: boolean;
    readonly inTransaction: boolean;
    prepare<Row = unknown>(sql: string): Database.Statement<Row>;
    exec(sql: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<F extends (...args: never[]) => unknown>(fn: F): Database.Transaction<F>;
    loadExtension(path: string, entryPoint?: string): this;
    close(): this;
  }
  export = Database;
}

declare module 'sqlite-vec' {
  export function load(db: { loadExtension(file: string, entrypoint?: string): unknown }): void;
  export function getLoadablePath(): string;
}
