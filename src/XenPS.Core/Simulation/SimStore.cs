using System.Diagnostics;

namespace XenPS.Simulation;

/// <summary>
/// Where a fabric's state lives. Every operation is one transaction: it runs on a private working
/// copy of the state, which replaces the stored state only when the operation succeeds (or fails
/// in a way that real xl also leaves traces of, e.g. a consumed domid: <see cref="SimXlError.Commit"/>).
/// </summary>
internal interface ISimStore
{
    string? StatePath { get; }

    Task<T> ReadAsync<T>(Func<FabricState, T> read, CancellationToken cancellationToken);

    Task<T> UpdateAsync<T>(Func<FabricState, T> update, CancellationToken cancellationToken);
}

/// <summary>State in this process only.</summary>
internal sealed class InMemorySimStore : ISimStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _json = SimJson.Serialize(new FabricState());

    public string? StatePath => null;

    public async Task<T> ReadAsync<T>(Func<FabricState, T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read(SimJson.Deserialize(_json));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<T> UpdateAsync<T>(Func<FabricState, T> update, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FabricState working = SimJson.Deserialize(_json);
            try
            {
                T result = update(working);
                _json = SimJson.Serialize(working);
                return result;
            }
            catch (SimXlError error) when (error.Commit)
            {
                _json = SimJson.Serialize(working);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// State in a JSON file shared by several processes: an exclusive lock on a separate lock file
/// (<c>FileShare.None</c>, which .NET maps to <c>flock</c> on Unix) around every read-modify-write,
/// and the state replaced atomically (temporary file beside it, then rename over it).
/// </summary>
internal sealed class FileSimStore : ISimStore
{
    private static readonly TimeSpan s_lockLimit = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _lockPath;

    public FileSimStore(string statePath)
    {
        StatePath = Path.GetFullPath(statePath);
        _lockPath = StatePath + ".lock";
        string? folder = Path.GetDirectoryName(StatePath);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new XenOperationException(
                "SimulatorStateFolderMissing",
                XenErrorCategory.ObjectNotFound,
                $"The folder of the simulator state file '{StatePath}' does not exist.");
        }
    }

    public string StatePath { get; }

    string? ISimStore.StatePath => StatePath;

    public Task<T> ReadAsync<T>(Func<FabricState, T> read, CancellationToken cancellationToken) =>
        RunLockedAsync(read, write: false, cancellationToken);

    public Task<T> UpdateAsync<T>(Func<FabricState, T> update, CancellationToken cancellationToken) =>
        RunLockedAsync(update, write: true, cancellationToken);

    private async Task<T> RunLockedAsync<T>(Func<FabricState, T> action, bool write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using FileStream lockStream = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
            FabricState working = await LoadAsync(cancellationToken).ConfigureAwait(false);
            T result;
            try
            {
                result = action(working);
            }
            catch (SimXlError error) when (error.Commit && write)
            {
                await SaveAsync(working, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            if (write)
            {
                // Once the operation has happened, it is recorded even if the caller cancels now.
                await SaveAsync(working, CancellationToken.None).ConfigureAwait(false);
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int delayMs = 2;
        while (true)
        {
            try
            {
                return new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (clock.Elapsed < s_lockLimit)
            {
                // Another process holds the lock: back off (bounded, cancellable, never a blocking sleep).
                await Task.Delay(TimeSpan.FromMilliseconds(delayMs + Random.Shared.Next(delayMs)), cancellationToken).ConfigureAwait(false);
                delayMs = Math.Min(delayMs * 2, 50);
            }
            catch (IOException ex)
            {
                throw new XenTimeoutException($"Locking the simulator state file '{StatePath}' ({ex.Message})", s_lockLimit, hostName: null);
            }
        }
    }

    private async Task<FabricState> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return new FabricState();
        }

        string json = await File.ReadAllTextAsync(StatePath, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(json))
        {
            return new FabricState();
        }

        try
        {
            return SimJson.Deserialize(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new XenOperationException(
                "SimulatorStateCorrupt",
                XenErrorCategory.InvalidData,
                $"The simulator state file '{StatePath}' is not valid: {ex.Message}");
        }
    }

    private async Task SaveAsync(FabricState state, CancellationToken cancellationToken)
    {
        string temp = $"{StatePath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                byte[] bytes = System.Text.Encoding.UTF8.GetBytes(SimJson.Serialize(state));
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, StatePath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
