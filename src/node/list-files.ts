// Walking a folder for its files, as torchvision's os.walk and Ultralytics' glob do.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files under folder, recursively (like torchvision's os.walk), sorted by path; hidden ones (macOS ._ files) skipped. */
export async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
