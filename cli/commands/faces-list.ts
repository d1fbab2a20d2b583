// convkit faces list --db F [--json]: the enrolled people.
import { Command } from 'commander';
import { openSqliteFaceStore } from 'convkit/node';

export function facesListCommand(): Command {
  return new Command('list')
    .description('list the enrolled people')
    .requiredOption('--db <file>', 'the face database')
    .option('--json', 'print {"people":[{"id","name","faces"}]}')
    .action(async (options: { db: string; json?: boolean }) => {
      const store = await openSqliteFaceStore(options.db);
      try {
        const people = (await store.list()).map(({ id, name, faces }) => ({ id, name, faces }));
        if (options.json) process.stdout.write(`${JSON.stringify({ people })}\n`);
        else if (people.length === 0) process.stdout.write('nobody is enrolled\n');
        else for (const p of people) process.stdout.write(`${p.id.padStart(6)}  ${p.name}  (${p.faces} face${p.faces === 1 ? '' : 's'})\n`);
      } finally {
        await store.close();
      }
    });
}
