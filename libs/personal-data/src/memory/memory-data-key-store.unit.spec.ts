import { dataKeyStoreContract } from '../testing';
import { MemoryDataKeyStore } from './memory-data-key-store';

// Every store the suite opens shares one set of rows, as a reopened file or schema would.
dataKeyStoreContract('memory', async () => {
  const rows = new MemoryDataKeyStore();
  return { open: async (wrapper) => rows.withWrapper(wrapper) };
});
