// convkit faces remove --db F --id ID [--json]: a person and all their descriptors, at once.
import { Command } from 'commander';
import { openSqliteFaceStore } from 'convkit/node';

export function facesRemoveCommand(): Command {
  return new Command('remove')
    .description('remove a person and every descriptor of theirs')
    .requiredOption('--db <file>', 'the face database')
    .requiredOption('--id <id>', "the person's id (convkit faces list shows them)")
    .option('--json', 'print {"id","name","removed":true}')
    .action(async (options: { db: string; id: string; json?: boolean }) => {
      const store = await openSqliteFaceStore(options.db);
      try {
        const person = await store.get(options.id);
        if (!person || !(await store.remove(options.id))) throw new Error(`no person with id '${options.id}' in '${options.db}'`);
        process.stdout.write(options.json ? `${JSON.stringify({ id: person.id, name: person.name, removed: true })}\n` : `removed ${person.name} (id ${person.id})\n`);
      } finally {
        await store.close();
      }
    });
}
