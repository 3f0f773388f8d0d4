/** A processor the orchestrator knows: its normalised name, its class name and its output table. */
export interface ProcessorSpec {
  name: string;
  className: string;
  outputTable: string;
  /** Other names it is published or configured under (e.g. the props scraper's configured `oddsa_player_props`). */
  aliases?: string[];
}

/** CamelCase class name -> snake_case, without the `Async` prefix and `Processor` suffix. */
export function classNameToSnake(className: string): string {
  const core = className.replace(/^Async(?=[A-Z])/, '').replace(/Processor$/, '');
  return core
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The legacy orchestrator's normalisation, in its order: an exact name match, then the message's
 * output_table, then the class name turned into snake_case. Returns undefined for an unknown processor.
 */
export function normalizeProcessorName(
  processorName: string,
  outputTable: string | undefined,
  known: readonly ProcessorSpec[],
): string | undefined {
  const exact = known.find(
    (p) => p.name === processorName || p.className === processorName || p.aliases?.includes(processorName),
  );
  if (exact) return exact.name;
  if (outputTable) {
    const table = outputTable.includes('.') ? outputTable.slice(outputTable.lastIndexOf('.') + 1) : outputTable;
    const byTable = known.find((p) => p.outputTable === table || p.name === table);
    if (byTable) return byTable.name;
  }
  const snake = classNameToSnake(processorName);
  return known.find((p) => p.name === snake || classNameToSnake(p.className) === snake)?.name;
}
