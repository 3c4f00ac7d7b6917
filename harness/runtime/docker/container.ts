// One container of a run: a testcontainers GenericContainer joined to the run's network only (with
// its aliases set at creation; testcontainers would also leave it on the default bridge), under an
// init process (signals forwarded, children reaped), reporting its id as soon as it exists so that
// a start that fails half-way still gets cleaned up.
import { GenericContainer } from 'testcontainers';

export class NodeContainer extends GenericContainer {
  constructor(
    image: string,
    private readonly network: string,
    private readonly aliases: string[],
    private readonly hooks: { created?: (id: string) => void; starting?: (id: string) => Promise<void> } = {},
  ) {
    super(image);
    this.withNetworkMode(network);
  }

  private id = '';

  protected override async beforeContainerCreated(): Promise<void> {
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.network]: { Aliases: this.aliases } } };
    this.hostConfig.Init = true;
    // No swap beyond the memory quota: a profile's memory is the machine's RAM.
    if (this.hostConfig.Memory) this.hostConfig.MemorySwap = this.hostConfig.Memory;
  }

  protected override async containerCreated(id: string): Promise<void> {
    this.id = id;
    this.hooks.created?.(id);
  }

  /** After the start, before the wait strategy: the network namespace exists (firewall rules go in here). */
  protected override async containerStarting(): Promise<void> {
    await this.hooks.starting?.(this.id);
  }
}
