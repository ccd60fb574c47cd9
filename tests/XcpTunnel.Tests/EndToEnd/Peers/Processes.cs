namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>Runs peer programs: <see cref="Start"/> for servers that keep running, <see cref="RunAsync"/> for commands that finish.</summary>
internal static class Processes
{
    public static RunningProcess Start(ProcessSpec spec) => RunningProcess.Start(spec);

    /// <summary>Runs <paramref name="spec"/> to completion and returns its output.</summary>
    /// <exception cref="ProcessFailedException">It exited non-zero or ran past <paramref name="timeout"/> (then it is killed).</exception>
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var running = RunningProcess.Start(spec);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        int exitCode;
        try
        {
            exitCode = await running.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            using var killBound = new CancellationTokenSource(RunningProcess.StopGrace);
            await running.KillAsync(killBound.Token);
            throw new ProcessFailedException(
                running.Describe($"timed out after {timeout.TotalSeconds:0.#} s"), running.CommandLine, exitCode: null, timedOut: true);
        }

        if (exitCode != 0)
        {
            throw new ProcessFailedException(running.Describe($"exited with {exitCode}"), running.CommandLine, exitCode, timedOut: false);
        }

        return running.ToResult();
    }
}
