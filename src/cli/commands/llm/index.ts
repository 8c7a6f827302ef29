/** psygraph synth / checklist / judge / evaluate: the LLM pipeline over JSON-lines batches. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerCalibrationCommands } from './calibration.js';
import { registerChecklistCommand } from './checklist.js';
import { registerJudgesCommand } from './ensemble.js';
import { registerEvaluateCommand } from './evaluate.js';
import { registerJudgeCommand } from './judge.js';
import { registerProbeCommand } from './probe.js';
import { registerSynthCommand } from './synth.js';

export function registerLlmCommands(program: Command, ctx: CliContext): void {
  registerSynthCommand(program, ctx);
  registerChecklistCommand(program, ctx);
  registerJudgeCommand(program, ctx);
  registerJudgesCommand(program, ctx);
  registerProbeCommand(program, ctx);
  registerEvaluateCommand(program, ctx);
  registerCalibrationCommands(program, ctx);
}
