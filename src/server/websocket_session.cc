// The WebSocket session: one connection speaking the chat protocol v1 (docs/protocol.md).
// A reader coroutine decodes frames and runs turns (on the worker pool); a writer coroutine
// drains the session's own queue, so frames go out one at a time and in order.
#include <chrono>
#include <list>
#include <optional>
#include <set>

#include "server/console_protocol.h"
#include "server/protocol.h"
#include "server/session.h"

namespace haven::server::internal {
namespace {

using asio::as_tuple;
using asio::use_awaitable;

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <class Stream>
class WebSocketSession final : public Closable,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(std::shared_ptr<Shared> shared, Stream stream, bool console)
      : console_(console),
        shared_(std::move(shared)),
        ws_(std::move(stream)),
        hello_timer_(ws_.get_executor()),
        limiter_(shared_->options.messages_per_minute, shared_->options.message_burst) {}

  void Shutdown() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (!self->in_turn_) self->Close(websocket::close_code::going_away, "server shutting down");
    });
  }

  void EndAccount(const std::string& account_id, const std::string& reason) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), account_id, reason] {
      if (!self->session_ || self->session_->account_id != account_id) return;
      self->Enqueue(EncodeBye(reason));
      self->Close(websocket::close_code::policy_error, reason);
    });
  }

  void EndSession(const std::string& token, const std::string& reason) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), token, reason] {
      const bool mine = (self->session_ && self->session_->token == token) ||
                        (self->staff_ && self->staff_token_ == token);
      if (!mine || self->close_queued_) return;
      self->Enqueue(EncodeBye(reason));
      self->Close(websocket::close_code::normal, reason);
    });
  }

  void OnEvent(std::shared_ptr<const chat::Event> event) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), event] {
      if (self->close_queued_) return;
      if (self->console_) {
        self->ConsoleEvent(*event);
      } else {
        self->SeekerEvent(*event);
      }
    });
  }

  // `self` keeps the session alive while the coroutine runs.
  asio::awaitable<void> Run(std::shared_ptr<WebSocketSession> self, Request request) {
    const ServerOptions& o = shared_->options;
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket keeps its own timeouts
    websocket::stream_base::timeout t;
    t.handshake_timeout = o.handshake_timeout;
    t.idle_timeout = o.idle_timeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    bool tls = o.tls;
    ws_.set_option(websocket::stream_base::decorator([tls](websocket::response_type& res) {
      AddSecurityHeaders(res, tls);
      res.set(http::field::server, "haven");
    }));
    ws_.read_message_max(o.max_frame_bytes);
    auto [ec] = co_await ws_.async_accept(request, as_tuple(use_awaitable));
    request = Request();  // this frame lasts as long as the connection: keep no headers in it
    if (ec) co_return;
    beast::error_code peer_ec;
    auto peer = beast::get_lowest_layer(ws_).socket().remote_endpoint(peer_ec);
    if (!peer_ec && (!peer.address().is_loopback() || o.limit_loopback)) {
      address_ = peer.address().to_string();
    }
    id_ = shared_->Register(self);
    shared_->metrics.ws_connections++;
    shared_->metrics.ws_active++;
    if (shared_->stopping) Close(websocket::close_code::going_away, "server shutting down");

    accepted_ = true;
    StartWriter();
    asio::co_spawn(ws_.get_executor(), HelloDeadline(self), asio::detached);
    // The reader: in this frame, not one of its own (an idle connection keeps one frame).
    beast::flat_buffer buffer;
    for (;;) {
      // Emptied and released: an idle connection keeps no copy of its last frame.
      buffer.clear();
      buffer.shrink_to_fit();
      auto [ec, n] = co_await ws_.async_read(buffer, as_tuple(use_awaitable));
      if (ec) break;  // closed, too big (1009 sent by Beast), bad UTF-8 (1007), timeout
      shared_->metrics.ws_frames_in++;
      if (close_queued_) continue;  // closing: read until the close handshake completes
      std::string frame = beast::buffers_to_string(buffer.data());
      co_await Handle(frame);
      // Shutdown came during the turn: its answer is queued; now say goodbye.
      if (shared_->stopping) Close(websocket::close_code::going_away, "server shutting down");
    }
    reader_done_ = true;
    hello_timer_.cancel();
    shared_->metrics.ws_active--;
    shared_->Unregister(id_);
  }

 private:
  struct Outgoing {
    std::string text;
    bool close = false;
    websocket::close_reason reason;
  };

  void Enqueue(std::string frame) {
    if (close_queued_) return;
    queue_.push_back({std::move(frame), false, {}});
    StartWriter();
  }
  void Error(std::string_view code, std::string_view message, std::string_view id = {}) {
    shared_->metrics.ws_error_frames++;
    Enqueue(EncodeError(code, message, id));
  }
  void Close(websocket::close_code code, std::string_view reason) {
    if (close_queued_) return;
    Outgoing out;
    out.close = true;
    out.reason = websocket::close_reason(code, reason);
    queue_.push_back(std::move(out));
    close_queued_ = true;
    StartWriter();
  }

  // The writer runs only while frames wait: an idle connection keeps no writer coroutine, no
  // frame of it and no timer. Frames queued before the handshake ends wait for it.
  void StartWriter() {
    if (writing_ || !accepted_ || queue_.empty()) return;
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), Writer(this->shared_from_this()), asio::detached);
  }

  asio::awaitable<void> Writer([[maybe_unused]] std::shared_ptr<WebSocketSession> self) {
    while (!queue_.empty()) {
      Outgoing out = std::move(queue_.front());
      queue_.pop_front();
      if (out.close) {
        co_await ws_.async_close(out.reason, as_tuple(use_awaitable));
        co_return;  // writing_ stays set: nothing is written after the close frame
      }
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(out.text), as_tuple(use_awaitable));
      if (ec) co_return;  // writing_ stays set: nothing more is written
    }
    writing_ = false;
  }

  // A connection must say hello within the handshake timeout.
  asio::awaitable<void> HelloDeadline([[maybe_unused]] std::shared_ptr<WebSocketSession> self) {
    hello_timer_.expires_after(shared_->options.handshake_timeout);
    auto [ec] = co_await hello_timer_.async_wait(as_tuple(use_awaitable));
    if (!ec && !session_ && !staff_ && !reader_done_) {
      Close(websocket::close_code::policy_error, "hello timeout");
    }
  }

  asio::awaitable<void> Handle(const std::string& bytes) {
    if (console_) {
      co_await HandleConsole(bytes);
      co_return;
    }
    Decoded d = DecodeClientFrame(bytes);
    if (!d.frame) {
      Error(d.error.code, d.error.message, d.error.id);
      co_return;
    }
    ClientFrame& f = *d.frame;
    switch (f.type) {
      case ClientType::kPing:
        Enqueue(EncodePong());
        co_return;
      case ClientType::kHello:
        co_await Hello(f);
        co_return;
      case ClientType::kLogout: {
        if (!session_) {
          Error(error_code::kNoSession, "say hello first");
          co_return;
        }
        Status revoked = co_await OnWorkers([&] { return shared_->chat.Revoke(session_->token); });
        if (!revoked.ok()) {
          Error(error_code::kInternal, "logout failed; try again");
          co_return;
        }
        Enqueue(EncodeBye("logged out"));
        Close(websocket::close_code::normal, "logged out");
        // The same session's other connections (other tabs) end at once too.
        shared_->CloseSession(session_->token, "logged out");
        co_return;
      }
      case ClientType::kMessage:
        co_await Message(f);
        co_return;
      case ClientType::kPrivacyGet:
      case ClientType::kConsentSet:
      case ClientType::kRetentionSet:
      case ClientType::kExport:
      case ClientType::kErase:
        co_await Privacy(f);
        co_return;
      case ClientType::kMood:
      case ClientType::kHistoryGet:
        co_await CheckIn(f);
        co_return;
      case ClientType::kHumanRequest:
        co_await HumanRequest();
        co_return;
      case ClientType::kFeedback:
        co_await Feedback(f);
        co_return;
    }
  }

  // A thumbs up or down on one of Haven's replies: kept only with the person's consent
  // (ChatService::RateReply checks it, and the session, in the same unit of work).
  asio::awaitable<void> Feedback(const ClientFrame& f) {
    if (!session_) {
      Error(error_code::kNoSession, "say hello first");
      co_return;
    }
    if (Throttled()) {
      Error(error_code::kRateLimited, "too many requests; wait a little");
      co_return;
    }
    chat::SeekerSession session = *session_;
    const int64_t seq = f.feedback_seq;
    const int rating = f.rating;
    const std::string comment = f.text;
    auto saved =
        co_await OnWorkers([&] { return shared_->chat.RateReply(session, seq, rating, comment); });
    if (!saved.ok()) {
      const Status& s = saved.status();
      if (s.code() == StatusCode::kNotFound) {
        Error(error_code::kAuthFailed, "session not found or expired");
        Close(websocket::close_code::policy_error, "session ended");
      } else if (s.code() == StatusCode::kFailedPrecondition) {
        Error(error_code::kConsentRequired,
              "feedback is kept only when you allow de-identified use to improve Haven");
      } else if (s.code() == StatusCode::kInvalidArgument) {
        Error(s.message(), "feedback refused");  // the message is the code (chat_service.h)
      } else {
        Error(error_code::kInternal, "storage failed; nothing was changed");
      }
      co_return;
    }
    Enqueue(EncodeFeedbackSaved(*saved));
  }

  // ---- The seeker's side of oversight ----

  // "Talk to a person": queued, and told their place.
  asio::awaitable<void> HumanRequest() {
    if (!session_) {
      Error(error_code::kNoSession, "say hello first");
      co_return;
    }
    if (Throttled()) {
      Error(error_code::kRateLimited, "too many requests; wait a little");
      co_return;
    }
    chat::SeekerSession session = *session_;
    auto position = co_await OnWorkers([&] { return shared_->chat.RequestHuman(session); });
    if (!position.ok()) {
      if (position.status().code() == StatusCode::kNotFound) {
        Error(error_code::kAuthFailed, "session not found or expired");
        Close(websocket::close_code::policy_error, "session ended");
      } else {
        Error(error_code::kInternal, "the request failed; try again");
      }
      co_return;
    }
    Enqueue(EncodeQueuePosition(*position));
  }

  // What the seeker's open chat shows of the staff side: a person joined, their messages, they
  // left, and what Haven says on its own while the person waits.
  void SeekerEvent(const chat::Event& e) {
    if (!session_ || e.conversation_id != session_->conversation_id) return;
    switch (e.kind) {
      case chat::EventKind::kStaffJoined:
        Enqueue(EncodeStaffJoined(e.staff_name, e.message ? e.message->seq : 0));
        return;
      case chat::EventKind::kStaffLeft:
        Enqueue(EncodeStaffLeft(e.staff_name, e.message ? e.message->seq : 0));
        return;
      case chat::EventKind::kQueuePosition:
        Enqueue(EncodeQueuePosition(e.position));
        return;
      case chat::EventKind::kMessage:
        if (!e.message) return;
        if (e.message->role == storage::MessageRole::kStaff) {
          Enqueue(EncodeStaffMessage(*e.message));
        } else if (e.message->pushed) {
          Enqueue(EncodeNotice(*e.message, shared_->chat.ResourcesFor(locale_)));
        }
        return;
      default:
        return;
    }
  }

  // ---- The staff console (/console/ws) ----

  // The numeric part of an event id ("<epoch>:<n>"); 0 when it has none.
  static uint64_t EventNumber(std::string_view id) {
    size_t colon = id.rfind(':');
    if (colon == std::string_view::npos) return 0;
    uint64_t n = 0;
    for (char c : id.substr(colon + 1)) {
      if (c < '0' || c > '9') return 0;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
  }

  // An event as this console may see it: queue changes for everyone signed in, messages only
  // of conversations it opened, break-glass only for admins.
  void ConsoleEvent(const chat::Event& e) {
    if (!staff_) return;
    if (hello_pending_) {  // the snapshot is being read: keep it for after
      pending_.push_back(e);
      return;
    }
    if (EventNumber(e.id) <= sent_through_) return;  // sent already (a resume's replay)
    sent_through_ = EventNumber(e.id);
    switch (e.kind) {
      case chat::EventKind::kQueued:
      case chat::EventKind::kUpdated:
      case chat::EventKind::kClosed: {
        // Someone else took a conversation this console read from the queue: its messages are
        // no longer this console's to see (a break-glass grant keeps them).
        auto it = open_.find(e.conversation_id);
        if (it != open_.end() && !it->second.break_glass && e.item &&
            e.item->state == storage::ConversationState::kWithStaff &&
            e.item->assigned_staff_id != staff_->account_id) {
          open_.erase(it);
        }
        Enqueue(EncodeConsoleEvent(e, staff_->account_id, nullptr));
        return;
      }
      case chat::EventKind::kMessage: {
        auto it = open_.find(e.conversation_id);
        if (it == open_.end() || !e.message) return;
        if (it->second.loading) {  // the transcript is being read: keep it for after
          it->second.pending.push_back(e);
          return;
        }
        if (e.message->seq <= it->second.through_seq) return;
        it->second.through_seq = e.message->seq;
        Enqueue(EncodeConsoleEvent(e, staff_->account_id, e.message->analysis.get()));
        return;
      }
      case chat::EventKind::kBreakGlass:
        if (staff_->role == storage::StaffRole::kAdmin) {
          Enqueue(EncodeConsoleEvent(e, staff_->account_id, nullptr));
        }
        return;
      default:
        return;
    }
  }

  // A refusal from the oversight layer as an error frame (chat/oversight.h lists the codes).
  void ConsoleError(const Status& s, std::string_view id = {}) {
    if (s.code() == StatusCode::kNotFound && s.message() != "not_found") {
      Error(error_code::kAuthFailed, "session not found or expired");
      Enqueue(EncodeBye("session ended"));
      Close(websocket::close_code::policy_error, "session ended");
      return;
    }
    if (s.code() == StatusCode::kNotFound) {
      Error(error_code::kNotFound, "no such conversation", id);
    } else if (s.code() == StatusCode::kFailedPrecondition &&
               (s.message() == error_code::kForbidden || s.message() == error_code::kTaken ||
                s.message() == error_code::kNotTaken || s.message() == error_code::kClosed)) {
      Error(s.message(), "refused", id);
    } else if (s.code() == StatusCode::kFailedPrecondition &&
               s.message() == error_code::kConsentRequired) {
      Error(s.message(), "the person does not allow de-identified use: nothing was kept", id);
    } else if (s.code() == StatusCode::kInvalidArgument) {
      Error(s.message(), "refused", id);  // the message is the code (chat/oversight.h)
    } else {
      Error(error_code::kInternal, "the server failed; nothing was changed", id);
    }
  }

  asio::awaitable<void> HandleConsole(const std::string& bytes) {
    ConsoleDecoded d = DecodeConsoleFrame(bytes);
    if (!d.frame) {
      Error(d.error.code, d.error.message, d.error.id);
      co_return;
    }
    ConsoleFrame f = std::move(*d.frame);
    if (f.type == ConsoleType::kPing) {
      Enqueue(EncodePong());
      co_return;
    }
    if (f.type == ConsoleType::kHello) {
      co_await ConsoleHello(f);
      co_return;
    }
    if (!staff_) {
      Error(error_code::kNoSession, "say hello first", f.id);
      co_return;
    }
    if (!console_limiter_.Allow(SteadyMillis())) {  // generous: staff are signed in and audited
      shared_->metrics.rate_limited++;
      Error(error_code::kRateLimited, "too many requests; wait a little", f.id);
      co_return;
    }
    chat::Oversight& o = *shared_->oversight;
    const std::string token = staff_token_;
    const std::string me = staff_->account_id;
    switch (f.type) {
      case ConsoleType::kQueueGet: {
        auto q = co_await OnWorkers([&] { return o.Queue(token); });
        if (!q.ok()) co_return ConsoleError(q.status());
        Enqueue(EncodeQueue(*q, me));
        co_return;
      }
      case ConsoleType::kOpen: {
        OpenView& view = open_[f.conversation];
        view.loading = true;
        view.pending.clear();
        auto v = co_await OnWorkers(
            [&] { return o.Open(token, f.conversation, f.after_seq, f.reason); });
        auto it = open_.find(f.conversation);
        if (!v.ok()) {
          if (it != open_.end()) open_.erase(it);
          co_return ConsoleError(v.status());
        }
        if (it == open_.end()) co_return;  // closed meanwhile
        int64_t through = f.after_seq;
        for (const auto& m : v->messages) through = std::max(through, m.message.seq);
        it->second.through_seq = through;
        it->second.loading = false;
        it->second.break_glass = v->break_glass;
        Enqueue(EncodeConversation(*v, me));
        std::vector<chat::Event> later = std::move(it->second.pending);
        for (const auto& e : later) {
          if (!e.message || e.message->seq <= it->second.through_seq) continue;
          it->second.through_seq = e.message->seq;
          Enqueue(EncodeConsoleEvent(e, me, e.message->analysis.get()));
        }
        co_return;
      }
      case ConsoleType::kTakeover:
      case ConsoleType::kHandback:
      case ConsoleType::kTagsSet:
      case ConsoleType::kCaseClose: {
        auto item = co_await OnWorkers([&]() -> StatusOr<chat::QueueItem> {
          if (f.type == ConsoleType::kTakeover) return o.TakeOver(token, f.conversation);
          if (f.type == ConsoleType::kHandback) return o.HandBack(token, f.conversation);
          if (f.type == ConsoleType::kTagsSet) return o.SetTags(token, f.conversation, f.tags);
          return o.CloseCase(token, f.conversation, f.outcome);
        });
        // The answer is the `updated` (or `closed`) event every console receives.
        if (!item.ok()) ConsoleError(item.status());
        co_return;
      }
      case ConsoleType::kSend: {
        auto sent = co_await OnWorkers(
            [&] { return o.Send(token, f.conversation, f.id, f.text, f.suggestion_used); });
        if (!sent.ok()) co_return ConsoleError(sent.status(), f.id);
        Enqueue(EncodeSent(f.conversation, *sent));
        co_return;
      }
      case ConsoleType::kNoteAdd: {
        auto note = co_await OnWorkers([&] { return o.AddNote(token, f.conversation, f.text); });
        if (!note.ok()) co_return ConsoleError(note.status());
        Enqueue(EncodeNote(f.conversation, *note));
        co_return;
      }
      case ConsoleType::kDraft: {
        auto fb = co_await OnWorkers([&] { return o.Draft(token, f.conversation, f.text); });
        if (!fb.ok()) co_return ConsoleError(fb.status());
        Enqueue(EncodeDraftFeedback(f.conversation, *fb));
        co_return;
      }
      case ConsoleType::kReviewGet: {
        auto items = co_await OnWorkers([&] { return o.ReviewQueue(token); });
        if (!items.ok()) co_return ConsoleError(items.status());
        Enqueue(EncodeReview(*items));
        co_return;
      }
      case ConsoleType::kReviewSubmit: {
        Status s = co_await OnWorkers(
            [&] { return o.SubmitReview(token, f.conversation, f.seq, f.review); });
        if (!s.ok()) co_return ConsoleError(s);
        Enqueue(EncodeReviewSaved(f.conversation, f.seq));
        co_return;
      }
      case ConsoleType::kLabel: {
        auto saved = co_await OnWorkers(
            [&] { return o.LabelMessage(token, f.conversation, f.seq, f.label); });
        if (!saved.ok()) co_return ConsoleError(saved.status());
        Enqueue(EncodeLabelSaved(f.conversation, *saved));
        co_return;
      }
      case ConsoleType::kHello:
      case ConsoleType::kPing:
        co_return;
    }
  }

  // Sign-in on the socket: the staff token, then either the events missed since `last_event`
  // or (a restart, or too long away) a fresh queue. Events published meanwhile wait in
  // pending_ and follow, so none is lost between the snapshot and the live stream.
  asio::awaitable<void> ConsoleHello(const ConsoleFrame& f) {
    if (staff_ || hello_pending_) {
      Error(error_code::kAlreadyHello, "hello was already said");
      co_return;
    }
    if (Throttled()) {
      Error(error_code::kRateLimited, "too many requests; wait a little");
      co_return;
    }
    chat::Oversight& o = *shared_->oversight;
    const std::string token = f.token;
    auto who = co_await OnWorkers([&] { return o.Authenticate(token); });
    if (!who.ok()) {
      Error(who.status().code() == StatusCode::kInternal ? error_code::kInternal
                                                         : error_code::kAuthFailed,
            who.status().code() == StatusCode::kInternal ? "storage failed"
                                                         : "session not found or expired");
      co_return;
    }
    staff_ = *who;
    staff_token_ = token;
    hello_timer_.cancel();
    hello_pending_ = true;
    std::optional<std::vector<chat::Event>> missed;
    if (!f.last_event.empty()) missed = o.events().Since(f.last_event);
    if (missed) {
      hello_pending_ = false;
      sent_through_ = EventNumber(f.last_event);
      Enqueue(EncodeConsoleWelcome(*staff_, o.events().epoch(), o.events().LastId(), true));
      for (const auto& e : *missed) ConsoleEvent(e);
    } else {
      const std::string base = o.events().LastId();
      auto q = co_await OnWorkers([&] { return o.Queue(token); });
      hello_pending_ = false;
      if (!q.ok()) co_return ConsoleError(q.status());
      sent_through_ = EventNumber(base);
      Enqueue(EncodeConsoleWelcome(*staff_, o.events().epoch(), base, false));
      Enqueue(EncodeQueue(*q, staff_->account_id));
    }
    std::vector<chat::Event> later = std::move(pending_);
    pending_.clear();
    for (const auto& e : later) ConsoleEvent(e);
  }

  // Check-ins (the mood check-in and the history behind the charts): authorised like the
  // privacy center, by ChatService in the same unit of work; rate-limited like messages.
  asio::awaitable<void> CheckIn(const ClientFrame& f) {
    if (!session_) {
      Error(error_code::kNoSession, "say hello first", f.id);
      co_return;
    }
    if (Throttled()) {
      Error(error_code::kRateLimited, "too many requests; wait a little", f.id);
      co_return;
    }
    const std::string token = session_->token;
    const bool mood = f.type == ClientType::kMood;
    const int value = f.mood_value;
    const std::string client_id = f.id;
    chat::ChatService& chat = shared_->chat;
    auto out = co_await OnWorkers([&]() -> StatusOr<std::string> {
      if (mood) {
        auto saved = chat.RecordMood(token, value, client_id);
        if (!saved.ok()) return saved.status();
        return EncodeMoodSaved(*saved, client_id);
      }
      auto list = chat.CheckIns(token);
      if (!list.ok()) return list.status();
      return EncodeHistory(*list);
    });
    if (!out.ok()) {
      const Status& s = out.status();
      if (s.code() == StatusCode::kNotFound) {
        Error(error_code::kAuthFailed, "session not found or expired", client_id);
        Close(websocket::close_code::policy_error, "session ended");
      } else if (s.code() == StatusCode::kInvalidArgument) {
        Error(s.message(), "request refused",
              client_id);  // the message is the code (chat_service.h)
      } else {
        Error(error_code::kInternal, "storage failed; nothing was changed", client_id);
      }
      co_return;
    }
    Enqueue(std::move(out).value());
  }

  // Whether a frame that does work (a message, a privacy request, ...) is over a rate limit:
  // this connection's, the seeker account's (all its connections together) or the address's.
  // Each bucket is charged only when the earlier ones allowed the frame. Counted in metrics.
  bool Throttled() {
    const int64_t now = SteadyMillis();
    bool ok = limiter_.Allow(now) &&
              (!session_ || shared_->account_limiter.Allow(session_->account_id, now)) &&
              (address_.empty() || shared_->address_limiter.Allow(address_, now));
    if (!ok) shared_->metrics.rate_limited++;
    return !ok;
  }

  // The privacy center: the session is checked again by ChatService in the same unit of work
  // as the action (authorisation on every message). Rate-limited like messages.
  asio::awaitable<void> Privacy(const ClientFrame& f) {
    if (!session_) {
      Error(error_code::kNoSession, "say hello first");
      co_return;
    }
    if (Throttled()) {
      Error(error_code::kRateLimited, "too many requests; wait a little");
      co_return;
    }
    const std::string token = session_->token;
    chat::ChatService& chat = shared_->chat;
    // One of: a summary, an export document, an erased account id.
    struct Outcome {
      Status status;
      std::optional<chat::PrivacySummary> summary;
      std::string text;
    };
    ClientFrame frame = f;
    Outcome out = co_await OnWorkers([&]() -> Outcome {
      auto summarised = [](StatusOr<chat::PrivacySummary> r) {
        if (!r.ok()) return Outcome{r.status(), std::nullopt, {}};
        return Outcome{Status::Ok(), std::move(r).value(), {}};
      };
      auto texted = [](StatusOr<std::string> r) {
        if (!r.ok()) return Outcome{r.status(), std::nullopt, {}};
        return Outcome{Status::Ok(), std::nullopt, std::move(r).value()};
      };
      switch (frame.type) {
        case ClientType::kConsentSet:
          return summarised(chat.SetConsent(token, frame.consent_kind, frame.granted));
        case ClientType::kRetentionSet:
          return summarised(chat.SetRetention(token, frame.retention_days));
        case ClientType::kExport:
          return texted(chat.Export(token));
        case ClientType::kErase:
          return texted(chat.Erase(token));
        default:
          return summarised(chat.GetPrivacy(token));
      }
    });
    if (!out.status.ok()) {
      const Status& s = out.status;
      if (s.code() == StatusCode::kNotFound) {
        Error(error_code::kAuthFailed, "session not found or expired");
        Close(websocket::close_code::policy_error, "session ended");
      } else if (s.code() == StatusCode::kInvalidArgument ||
                 (s.code() == StatusCode::kFailedPrecondition &&
                  s.message() == error_code::kExportTooLarge)) {
        Error(s.message(), "request refused");  // the message is the code (chat_service.h)
      } else {
        Error(error_code::kInternal, "storage failed; nothing was changed");
      }
      co_return;
    }
    if (out.summary) {
      Enqueue(EncodePrivacy(*out.summary));
    } else if (f.type == ClientType::kExport) {
      Enqueue(EncodeExport(out.text));
    } else {  // erased: this connection says so and closes; the account's others are ended
      Enqueue(EncodeErased());
      Close(websocket::close_code::normal, "account erased");
      session_.reset();
      shared_->CloseAccount(out.text, "account erased");
    }
  }

  // Runs `fn` on the worker pool and resumes here with its result.
  template <class Fn>
  asio::awaitable<std::invoke_result_t<Fn>> OnWorkers(Fn fn) {
    using R = std::invoke_result_t<Fn>;
    struct Box {
      std::optional<R> value;
    };
    in_turn_ = true;
    Box box = co_await asio::co_spawn(
        shared_->pool, [&fn]() -> asio::awaitable<Box> { co_return Box{std::optional<R>(fn())}; },
        use_awaitable);
    in_turn_ = false;
    co_return std::move(*box.value);
  }

  asio::awaitable<void> Hello(const ClientFrame& f) {
    if (session_) {
      Error(error_code::kAlreadyHello, "hello was already said");
      co_return;
    }
    if (Throttled()) {  // a new account costs a password hash; a resume a storage lookup
      Error(error_code::kRateLimited, "too many requests; wait a little");
      co_return;
    }
    locale_ = f.locale;
    if (f.token) {
      std::string token = *f.token;
      int64_t after = f.last_seq;
      auto resumed = co_await OnWorkers([&] { return shared_->chat.Resume(token, after); });
      if (!resumed.ok()) {
        Error(resumed.status().code() == StatusCode::kInternal ? error_code::kInternal
                                                               : error_code::kAuthFailed,
              resumed.status().code() == StatusCode::kInternal ? "storage failed"
                                                               : "session not found or expired");
        co_return;
      }
      session_ = std::move(resumed).value();
      Enqueue(EncodeWelcome(*session_, /*include_secrets=*/false));
      // The welcome carried the transcript: no message text stays in this connection's memory
      // (nor is copied into every turn) while it lasts.
      std::vector<chat::HistoryEntry>().swap(session_->history);
      if (!session_->unanswered_id.empty()) co_await FinishUnanswered();
    } else {
      auto created = co_await OnWorkers([&] { return shared_->chat.CreateSeeker(); });
      if (!created.ok()) {
        Error(error_code::kInternal, "could not create the account");
        co_return;
      }
      session_ = std::move(created).value();
      Enqueue(EncodeWelcome(*session_, /*include_secrets=*/true));
      session_->recovery_phrase.clear();  // shown once; not kept in memory
    }
    hello_timer_.cancel();
  }

  // The person's last message was stored and acknowledged, and the server stopped before the
  // reply: the turn is finished now, as a resend of it would (at most one reply per message).
  // On failure the next resume tries again.
  asio::awaitable<void> FinishUnanswered() {
    chat::SeekerSession session = *session_;
    session_->unanswered_id.clear();
    session_->unanswered_text.clear();
    std::string locale = locale_;
    auto result = co_await OnWorkers([&] {
      return shared_->chat.Send(session, session.unanswered_id, session.unanswered_text, locale);
    });
    session.unanswered_text.clear();
    if (!result.ok() || !result->reply) co_return;
    shared_->metrics.chat_turns++;
    if (result->reply->escalate) shared_->metrics.chat_escalations++;
    Enqueue(EncodeReply(session.unanswered_id, *result->reply));
    if (result->reply->queue_position > 0) {
      Enqueue(EncodeQueuePosition(result->reply->queue_position));
    }
  }

  asio::awaitable<void> Message(const ClientFrame& f) {
    if (!session_) {
      Error(error_code::kNoSession, "say hello first", f.id);
      co_return;
    }
    if (Throttled()) {
      Error(error_code::kRateLimited, "too many messages; wait a little", f.id);
      co_return;
    }
    const auto start = std::chrono::steady_clock::now();
    std::string id = f.id, text = f.text, locale = locale_;
    chat::SeekerSession session = *session_;
    // The ack goes out as soon as the message is committed, before the reply is composed: posted
    // from the worker to this session's executor, where it runs before this coroutine resumes.
    bool acked = false;
    auto self = this->shared_from_this();
    auto result = co_await OnWorkers([&]() -> StatusOr<chat::TurnResult> {
      return shared_->chat.Send(session, id, text, locale, [&](const chat::Ack& ack) {
        acked = true;
        asio::post(ws_.get_executor(),
                   [self, frame = EncodeAck(ack)]() mutable { self->Enqueue(std::move(frame)); });
      });  // checks the session too
    });
    if (!result.ok()) {
      const Status& s = result.status();
      if (s.code() == StatusCode::kInvalidArgument) {
        Error(s.message(), "message refused", id);  // the message is the code (chat_service.h)
      } else if (s.code() == StatusCode::kNotFound) {
        Error(error_code::kAuthFailed, "session not found or expired", id);
        Close(websocket::close_code::policy_error, "session ended");
      } else {
        // The message may be stored and its reply not: a resend with the same id finishes
        // the turn (never stored or answered twice).
        Error(error_code::kInternal, "the server failed; send it again with the same id", id);
      }
      co_return;
    }
    shared_->metrics.chat_turn_micros +=
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - start)
                                  .count());
    if (!acked) Enqueue(EncodeAck(result->ack));
    if (result->ack.duplicate) shared_->metrics.chat_duplicates++;
    if (result->reply) {
      shared_->metrics.chat_turns++;
      if (result->reply->escalate) shared_->metrics.chat_escalations++;
      Enqueue(EncodeReply(id, *result->reply));
      if (result->reply->queue_position > 0) {
        Enqueue(EncodeQueuePosition(result->reply->queue_position));
      }
    }
  }

  // A conversation this console opened: its live messages follow the transcript it was sent.
  struct OpenView {
    bool loading = false;
    bool break_glass = false;  // opened by break-glass: kept whoever takes the conversation
    int64_t through_seq = 0;   // the last message seq sent
    std::vector<chat::Event> pending;
  };

  const bool console_;
  std::shared_ptr<Shared> shared_;
  websocket::stream<Stream> ws_;
  asio::steady_timer hello_timer_;
  std::list<Outgoing> queue_;  // not a deque: an empty list allocates nothing (idle connections)
  bool close_queued_ = false;
  bool reader_done_ = false;
  bool accepted_ = false;  // the WebSocket handshake is done: frames may be written
  bool writing_ = false;   // a Writer runs
  bool in_turn_ = false;
  uint64_t id_ = 0;
  std::optional<chat::SeekerSession> session_;
  std::string locale_;
  RateLimiter limiter_;                    // this connection's
  RateLimiter console_limiter_{600, 100};  // a console's frames after hello
  std::string address_;  // the peer's, when per-address limits apply to it (not loopback)
  // The console's.
  std::optional<chat::StaffIdentity> staff_;
  std::string staff_token_;
  bool hello_pending_ = false;
  std::vector<chat::Event> pending_;
  uint64_t sent_through_ = 0;  // the last event number sent
  std::map<std::string, OpenView> open_;
};

}  // namespace

template <class Stream>
asio::awaitable<void> RunWebSocketSession(std::shared_ptr<Shared> shared, Stream stream,
                                          Request request, bool console) {
  // Not a coroutine itself: an idle connection keeps only Run's frame, not one more around it.
  auto session =
      std::make_shared<WebSocketSession<Stream>>(std::move(shared), std::move(stream), console);
  return session->Run(session, std::move(request));
}

template asio::awaitable<void> RunWebSocketSession<PlainStream>(std::shared_ptr<Shared>,
                                                                PlainStream, Request, bool);
template asio::awaitable<void> RunWebSocketSession<TlsStream>(std::shared_ptr<Shared>, TlsStream,
                                                              Request, bool);

}  // namespace haven::server::internal
