/** What a command printed and returned, as the probe's `fnh` wrapper captures it. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (exitCode: number, stderr: string, stdout = ''): CommandResult => ({ stdout, stderr, exitCode });
export const notFound = (cmd: string): CommandResult => fail(127, `bash: line 1: ${cmd}: command not found\n`);
