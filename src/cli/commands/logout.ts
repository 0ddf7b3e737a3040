import { z } from 'zod';
import { leaf } from '../args.js';
import { credentialsPath, deleteCredentials } from '../credentials.js';
import { write } from '../output.js';

export const logoutCommand = leaf({
  name: 'logout',
  description: 'Forget the saved token',
  args: {},
  schema: z.object({ server: z.string().optional(), output: z.string().optional() }).strict(),
  async run() {
    write(deleteCredentials() ? `Logged out (removed ${credentialsPath()})` : 'Not logged in.');
  },
});
