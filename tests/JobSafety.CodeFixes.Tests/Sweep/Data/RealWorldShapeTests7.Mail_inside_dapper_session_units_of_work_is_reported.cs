using System;
using System.Data;
using System.Threading.Tasks;
using Dapper;
using SendGrid;
using SendGrid.Helpers.Mail;

public sealed class DbSession : IDisposable
{
    public IDbConnection Connection { get; }
    public IDbTransaction? Transaction { get; set; }
    public DbSession(IDbConnection connection) { Connection = connection; Connection.Open(); }
    public void Dispose() => Connection.Dispose();
}

public interface IUnitOfWork : IDisposable { void BeginTransaction(); void Commit(); void Rollback(); void Stamp(string email); }

public sealed class UnitOfWork : IUnitOfWork
{
    private readonly DbSession _session;
    public UnitOfWork(DbSession session) { _session = session; }
    public void BeginTransaction() => _session.Transaction = _session.Connection.BeginTransaction();
    public void Commit() { _session.Transaction!.Commit(); Dispose(); }
    public void Rollback() { _session.Transaction!.Rollback(); Dispose(); }
    public void Dispose() => _session.Transaction?.Dispose();
    public void Stamp(string email)
    {
        _session.Transaction = _session.Connection.BeginTransaction();
        _session.Connection.Execute("update customers set seen = now() where email = @email", new { email }, _session.Transaction);
        _session.Transaction.Commit();
    }
}

public interface ITxUnitOfWork : IDisposable { IDbTransaction BeginTransaction(); Task CommitAsync(); Task RollbackAsync(); }

public sealed class TxUnitOfWork : ITxUnitOfWork
{
    private readonly IDbConnection _connection;
    private IDbTransaction? _tx;
    public TxUnitOfWork(IDbConnection connection) { _connection = connection; }
    public IDbTransaction BeginTransaction()
    {
        _connection.Open();
        _tx = _connection.BeginTransaction();
        return _tx;
    }

    public Task CommitAsync() { _tx?.Commit(); _tx = null; return Task.CompletedTask; }
    public Task RollbackAsync() { _tx?.Rollback(); _tx = null; return Task.CompletedTask; }
    public void Dispose() => _tx?.Dispose();
}

public class CustomerRepository
{
    private readonly DbSession _session;
    public CustomerRepository(DbSession session) { _session = session; }
    public Task Add(string email) => _session.Connection.ExecuteAsync("insert into customers values (@email)", new { email }, _session.Transaction);
}

public class SignUp
{
    private readonly IUnitOfWork _unitOfWork;
    private readonly ITxUnitOfWork _txWork;
    private readonly CustomerRepository _customers;
    private readonly ISendGridClient _mail;
    public SignUp(IUnitOfWork unitOfWork, ITxUnitOfWork txWork, CustomerRepository customers, ISendGridClient mail)
    {
        _unitOfWork = unitOfWork; _txWork = txWork; _customers = customers; _mail = mail;
    }

    public async Task Register(string email)
    {
        _unitOfWork.BeginTransaction();
        try
        {
            await _customers.Add(email);
            await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Welcome", "Hi", "<p>Hi</p>"));
            _unitOfWork.Commit();
        }
        catch
        {
            _unitOfWork.Rollback();
            throw;
        }

        await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Welcome", "Hi", "<p>Hi</p>"));
    }

    public async Task Seen(string email)
    {
        _unitOfWork.Stamp(email);
        await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Seen", "Hi", "<p>Hi</p>"));
    }

    public async Task Invite(IDbConnection connection, string email)
    {
        var tx = _txWork.BeginTransaction();
        try
        {
            await connection.ExecuteAsync("insert into invites values (@email)", new { email }, tx);
            await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Invite", "Hi", "<p>Hi</p>"));
            await _txWork.CommitAsync();
        }
        catch
        {
            await _txWork.RollbackAsync();
            throw;
        }

        await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Invite", "Hi", "<p>Hi</p>"));
    }
}