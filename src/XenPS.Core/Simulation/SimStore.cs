using System.Diagnostics;

namespace XenPS.Simulation;

/// <summary>
/// Where a fabric's state lives. Every operation is one transaction: a change runs on a private working
/// copy of the state, which replaces the stored state only when the operation succeeds (or fails in a
/// way that real xl also leaves traces of, e.g. a consumed domid: <see cref="SimXlError.Commit"/>).
/// </summary>
/// <remarks>
/// The state is kept as objects. A committed <see cref="FabricState"/> is never changed again: a change
/// works on a deep copy (<see cref="SimClone"/>: objects, no serialisation) and publishes it, so a read
/// needs no copy and no lock, and reads never wait for a change. A read must therefore not change what it
/// is given. Only the state file (<see cref="FileSimStore"/>) serialises, and only to share the state with
/// other processes.
/// </remarks>
internal interface ISimStore
{
    string? StatePath { get; }

    Task<T> ReadAsync<T>(Func<FabricState, T> read, CancellationToken cancellationToken);

    Task<T> UpdateAsync<T>(Func<FabricState, T> update, CancellationToken cancellationToken);
}

/// <summary>State in this process only: the committed state in memory, changes one at a time.</summary>
internal sealed class InMemorySimStore : ISimStore
{
    private readonly SemaphoreSlim _changeGate = new(1, 1);
    private volatile FabricState _committed = new();

    public string? StatePath => null;

    public Task<T> ReadAsync<T>(Func<FabricState, T> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(read(_committed));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    public async Task<T> UpdateAsync<T>(Func<FabricState, T> update, CancellationToken cancellationToken)
    {
        await _changeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FabricState working = SimClone.Deep(_committed);
            try
            {
                T result = update(working);
                _committed = working;
                return result;
            }
            catch (SimXlError error) when (error.Commit)
            {
                _committed = working;
                throw;
            }
        }
        finally
        {
            _changeGate.Release();
        }
    }
}

/// <summary>
/// State in a JSON file shared by several processes: an exclusive lock on a separate lock file
/// (<c>FileShare.None</c>, which .NET maps to <c>flock</c> on Unix) around every read-modify-write,
/// and the state replaced atomically (temporary file beside it, then rename over it).
/// </summary>
/// <remarks>
/// The file is read under the lock on every operation (another process may have changed it), but it is
/// deserialised only when its bytes differ from the ones this process last read or wrote: otherwise the
/// objects this process already holds are the state.
/// </remarks>
internal sealed class FileSimStore : ISimStore
{
    private static readonly TimeSpan s_lockLimit = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _lockPath;

    // Guarded by _gate (and, across processes, by the lock file).
    private byte[]? _knownBytes;
    private FabricState? _known;

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
            FabricState current = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (!write)
            {
                return action(current);
            }

            FabricState working = SimClone.Deep(current);
            T result;
            try
            {
                result = action(working);
            }
            catch (SimXlError error) when (error.Commit)
            {
                await SaveAsync(working, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            // Once the operation has happened, it is recorded even if the caller cancels now.
            await SaveAsync(working, CancellationToken.None).ConfigureAwait(false);
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
        byte[] bytes = File.Exists(StatePath) ? await File.ReadAllBytesAsync(StatePath, cancellationToken).ConfigureAwait(false) : [];
        if (_known is not null && _knownBytes is not null && bytes.AsSpan().SequenceEqual(_knownBytes))
        {
            return _known;
        }

        FabricState state;
        if (IsBlank(bytes))
        {
            state = new FabricState();
        }
        else
        {
            try
            {
                state = SimJson.Deserialize(bytes);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new XenOperationException(
                    "SimulatorStateCorrupt",
                    XenErrorCategory.InvalidData,
                    $"The simulator state file '{StatePath}' is not valid: {ex.Message}");
            }
        }

        _known = state;
        _knownBytes = bytes;
        return state;
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private async Task SaveAsync(FabricState state, CancellationToken cancellationToken)
    {
        string temp = $"{StatePath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        byte[] bytes = SimJson.SerializeToUtf8Bytes(state);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
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

        _known = state;
        _knownBytes = bytes;
    }
}
