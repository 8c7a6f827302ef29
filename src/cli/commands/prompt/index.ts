/** psygraph prompt / export-prompts / import-humanllm / export-humanllm. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerExportPromptsCommand } from './export-prompts.js';
import { registerHumanllmCommands } from './humanllm.js';
import { registerPromptCommand } from './prompt.js';

export function registerPromptCommands(program: Command, ctx: CliContext): void {
  registerPromptCommand(program, ctx);
  registerExportPromptsCommand(program, ctx);
  registerHumanllmCommands(program, ctx);
}
