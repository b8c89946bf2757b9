//! Contact reasons of a retail bank, with the words customers and agents use about them.
//!
//! Templates are first person for the customer (`opening`, `short`, `answers`,
//! `chasers`), third person for an agent's notes of a call or visit (`notes`), and second
//! person for what an agent tells the customer (`replies`, `asks`, `outcome`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Personal,
    Business,
    Both,
}

pub(crate) struct Reason {
    pub tag: &'static str,
    pub queue: &'static str,
    pub who: Who,
    /// How often the reason comes up, relative to the others.
    pub weight: u32,
    /// Weights of low, normal, high, urgent.
    pub priority: [u32; 4],
    /// Weights per channel in `Channel::ALL` order: branch, phone, email, web form, chat,
    /// sms, x, facebook, instagram.
    pub channels: [u32; 9],
    pub subjects: &'static [&'static str],
    pub opening: &'static [&'static str],
    pub short: &'static [&'static str],
    pub notes: &'static [&'static str],
    pub replies: &'static [&'static str],
    pub asks: &'static [&'static str],
    pub answers: &'static [&'static str],
    pub chasers: &'static [&'static str],
    pub resolutions: &'static [(&'static str, &'static str)],
    pub outcome: &'static [&'static str],
    pub escalation: &'static str,
}

pub(crate) const REASONS: &[Reason] = &[
    Reason {
        tag: "card_declined",
        queue: "cards",
        who: Who::Both,
        weight: 14,
        priority: [1, 7, 2, 0],
        channels: [2, 8, 3, 2, 6, 3, 5, 2, 2],
        subjects: &[
            "Card declined at {merchant}",
            "Debit card ending {card} declined",
            "Card payment to {merchant} refused",
        ],
        opening: &[
            "My debit card ending {card} was declined at {merchant} on {date} even though there's plenty in the account. It was really embarrassing at the till. Can you tell me why and make sure it doesn't happen again?",
            "I tried to pay {amount} at {merchant} and the card was declined twice. The app shows no block on the card. What's going on?",
            "Card ending {card} keeps getting declined for online payments ({merchant} this time, {amount}). Contactless works fine. Please help.",
        ],
        short: &[
            "@{bank_handle} card declined AGAIN at {merchant}, {amount} and plenty in the account. What is going on?",
            "Stood at the till in {merchant} with my card declined. Third time this month @{bank_handle}",
            "Hi, my card ending {card} was declined at {merchant} just now. Can you check it's not blocked?",
        ],
        notes: &[
            "Customer's card ending {card} declined at {merchant} for {amount}. Checked: fraud rule triggered on merchant category. Removed the flag and explained how to confirm payments in the app.",
            "Declined payment at {merchant} on {date}. No block on the card; 3DS challenge timed out. Talked the customer through approving in the app.",
            "Online payments declined: card ending {card} lost its 3D Secure registration when it was reissued. Re-registered; customer tested a payment.",
        ],
        replies: &[
            "Hi {first}, I'm sorry your card was declined at {merchant}. I can see our fraud checks stopped the payment of {amount}. I've cleared that, so the card is ready to use again.",
            "Thanks for your patience, {first}. The payment to {merchant} needed approving in the app and the request timed out. If you try again, you'll get a notification to approve it.",
            "Hi {first}, your card wasn't registered for online security checks after it was reissued, so online payments like {merchant} were refused. I've fixed that.",
        ],
        asks: &[
            "Could you confirm the last three transactions you made with the card ending {card}, so we can check nothing is out of place?",
            "Can you tell us the exact time you tried to pay at {merchant}? It will help us find the attempt.",
        ],
        answers: &[
            "The last ones were {merchant} for {amount}, a Greggs and TfL this morning. All me.",
            "It was around lunchtime on {date}, {amount} at {merchant}.",
        ],
        chasers: &[
            "Card declined again at {merchant} today. You said it was fixed.",
            "Still having problems with the card ending {card}. Second time I've had to get in touch about this.",
        ],
        resolutions: &[
            ("fixed", "Fraud flag on card ending {card} removed; payment to {merchant} now succeeds."),
            (
                "information_given",
                "Explained in-app payment approval; customer retried the {merchant} payment successfully.",
            ),
            ("fixed", "3D Secure re-registered for card ending {card}; online payments working."),
        ],
        outcome: &[
            "All sorted, {first}: the card ending {card} is working normally and the {merchant} payment went through.",
            "We've sent you a replacement card ending {newcard}; it should arrive in 3 to 5 working days.",
        ],
        escalation: "Repeated declines on the same card after a fix",
    },
    Reason {
        tag: "lost_card",
        queue: "cards",
        who: Who::Both,
        weight: 10,
        priority: [0, 5, 4, 1],
        channels: [3, 10, 1, 2, 5, 2, 2, 1, 1],
        subjects: &["Lost debit card ending {card}", "Card stolen, ending {card}", "Left card in a cash machine"],
        opening: &[
            "I think I lost my card ending {card} on the way home last night. I've frozen it in the app but I need a new one urgently as I'm travelling on Friday.",
            "My purse was stolen on {date} with my debit card ending {card} in it. Please cancel it and check nothing has been spent.",
            "The cash machine outside {merchant} kept my card ending {card}. Can I get it back or do I need a new one?",
        ],
        short: &[
            "@{bank_handle} how do I report a lost card? The app keeps crashing when I try to freeze it",
            "Lost my card on the train, need a replacement asap please",
            "Card got swallowed by the cash machine outside {merchant}. What do I do now?",
        ],
        notes: &[
            "Customer reported card ending {card} lost. Card cancelled, no suspicious transactions since {date}. Replacement ordered to home address.",
            "Card ending {card} stolen on {date}. Cancelled; reviewed last 48h of transactions with the customer, all genuine. Replacement ordered with express delivery.",
            "Card retained by ATM. Cancelled card ending {card}, replacement ordered. Advised of cash withdrawal at branch with ID meanwhile.",
        ],
        replies: &[
            "Hi {first}, we've cancelled the card ending {card} and ordered a replacement. You can add the new card to Apple Pay or Google Pay as soon as it shows in the app.",
            "Thanks {first}. The old card is cancelled, and no payments have been made on it since {date}. Your new card is on its way.",
        ],
        asks: &[
            "Can you confirm the address you'd like the replacement card sent to?",
            "Could you check whether these two payments are yours: {amount} at {merchant} and £4.50 at TfL?",
        ],
        answers: &["Same address as always please.", "Yes, both of those were me."],
        chasers: &[
            "The replacement card still hasn't arrived and it's been {days} days.",
            "Still no new card. I've had no access to my money for a week now.",
        ],
        resolutions: &[
            ("replacement_sent", "Card ending {card} cancelled; replacement ending {newcard} dispatched."),
            ("fixed", "Card cancelled, no fraudulent use; new card ending {newcard} activated by the customer."),
        ],
        outcome: &[
            "Your new card ending {newcard} has been dispatched, {first}. Your PIN stays the same.",
            "Good news, {first}: the replacement card ending {newcard} is active and the old one is permanently cancelled.",
        ],
        escalation: "Replacement card not received after two requests",
    },
    Reason {
        tag: "card_not_arrived",
        queue: "cards",
        who: Who::Both,
        weight: 5,
        priority: [1, 7, 1, 0],
        channels: [1, 5, 3, 3, 5, 2, 3, 2, 1],
        subjects: &["New card not arrived", "Replacement card ending {newcard} not received"],
        opening: &[
            "I was told my replacement card would arrive in 5 working days but it's been {days} days and nothing. I can't shop online without it.",
            "My new card still hasn't turned up. Has it been sent to the right address?",
        ],
        short: &[
            "@{bank_handle} been waiting {days} days for my new card. Any chance of it turning up?",
            "Hi, my replacement card hasn't arrived yet. Can you check it was posted?",
        ],
        notes: &[
            "Replacement card ending {newcard} dispatched {days} days ago, not received. Cancelled and reissued with tracked delivery.",
            "Card not arrived: address on file was out of date. Updated with the customer and reissued.",
        ],
        replies: &[
            "Sorry for the wait, {first}. The card was posted but seems to have gone missing, so I've cancelled it and sent another one by tracked delivery.",
            "Hi {first}, I've checked and your card was sent to an old address. I've updated it and ordered a new card.",
        ],
        asks: &["Could you confirm your full postcode so we can check the delivery address?"],
        answers: &["It's the same postcode as on my statements. I moved in March though."],
        chasers: &["Still no card. That's two that have gone missing now."],
        resolutions: &[
            ("replacement_sent", "Reissued card ending {newcard} by tracked delivery."),
            ("fixed", "Address corrected and card reissued."),
        ],
        outcome: &[
            "Your new card is on its way by tracked delivery, {first}. It should be with you within 3 working days.",
        ],
        escalation: "Second card lost in the post",
    },
    Reason {
        tag: "fraud_report",
        queue: "fraud",
        who: Who::Both,
        weight: 9,
        priority: [0, 1, 5, 4],
        channels: [2, 12, 2, 2, 3, 2, 2, 1, 1],
        subjects: &[
            "Unrecognised payment of {amount} to {merchant}",
            "Fraudulent transactions on card ending {card}",
            "Suspicious payment alert",
        ],
        opening: &[
            "There's a payment of {amount} to {merchant} on {date} that I definitely didn't make. Please stop the card and get my money back.",
            "I've just seen three payments to {merchant} I don't recognise on my card ending {card}. I still have the card with me.",
            "I got a text asking me to confirm a payment of {big} that I didn't make. I replied NO. What happens now?",
        ],
        short: &[
            "@{bank_handle} there are payments on my account I didn't make. Can't get through on the phone!",
            "Someone has used my card at {merchant}. Who do I speak to?",
            "Got a fraud alert text about {amount} at {merchant}. Not me!",
        ],
        notes: &[
            "Customer disputes {amount} to {merchant} on {date}. Card ending {card} cancelled, fraud claim raised, temporary credit applied.",
            "Three unrecognised card-not-present payments to {merchant}. Card stopped, replacement ordered, chargeback started.",
            "Customer replied NO to a fraud alert for {big}. Payment was blocked; card cancelled and reissued.",
        ],
        replies: &[
            "Hi {first}, thanks for telling us straight away. We've stopped the card ending {card} and started a claim for the {amount} payment to {merchant}.",
            "Thanks {first}. We've stopped the card ending {card} and started a chargeback for the payments to {merchant}.",
            "{first}, the payment of {big} was blocked before it left your account, so your money is safe. We've cancelled the card and a new one is on its way.",
        ],
        asks: &[
            "Please fill in the fraud declaration we've sent to your email so we can finish the claim.",
            "Could you confirm whether anyone else has access to your card or app login?",
        ],
        answers: &[
            "Declaration signed and sent back.",
            "Nobody else has access to it. The card has been in my wallet the whole time.",
        ],
        chasers: &[
            "It's been {days} days and I still haven't had the {amount} back. This is my rent money.",
            "Any news on my fraud claim? Nobody has called me back.",
        ],
        resolutions: &[
            ("refund_issued", "Fraud claim upheld; {amount} refunded and card ending {card} replaced."),
            ("referred_elsewhere", "Merchant-side breach at {merchant}; referred to card scheme, customer refunded."),
            ("fixed", "Payment of {big} blocked before settlement; card reissued as ending {newcard}."),
        ],
        outcome: &[
            "Good news, {first}: we've refunded the {amount} to your account. Your new card ending {newcard} is on its way.",
            "Your claim is complete, {first}. The money is back in your account and the old card can't be used again.",
            "{first}, the blocked payment never left your account, and your new card ending {newcard} is on its way.",
        ],
        escalation: "Fraud loss over the agent refund limit",
    },
    Reason {
        tag: "scam_payment",
        queue: "fraud",
        who: Who::Personal,
        weight: 3,
        priority: [0, 0, 3, 5],
        channels: [3, 12, 2, 1, 2, 1, 1, 1, 0],
        subjects: &["Authorised push payment scam, {big}", "Paid {big} to a scammer"],
        opening: &[
            "I've been scammed. I sent {big} to an account after {scam} told me my money wasn't safe. I realised too late. Please help me get it back.",
            "I paid {big} for something that never arrived after dealing with {scam}. The seller has now disappeared.",
        ],
        short: &[
            "@{bank_handle} I think I've been scammed and transferred money, please call me urgently",
            "Need to speak to your fraud team today, I've sent money to a scammer",
        ],
        notes: &[
            "APP scam reported: customer sent {big} after contact from {scam}. Beneficiary bank notified, claim under the reimbursement rules opened. Customer distressed; vulnerability flag added.",
            "Customer paid {big} to a fraudster. Recall request sent to receiving bank. Safeguarding advice given.",
        ],
        replies: &[
            "{first}, I'm so sorry this happened to you. We've contacted the receiving bank to try to recover the {big}, and opened a reimbursement claim.",
            "Thanks for speaking with us, {first}. Your claim is with our specialist team, and we'll update you within 5 working days.",
        ],
        asks: &["Please send us screenshots of any messages from the scammer, so we can add them to your claim."],
        answers: &["I've attached the screenshots of the messages and the invoice they sent."],
        chasers: &["Has there been any progress? I'm really worried about getting this money back."],
        resolutions: &[
            ("refund_issued", "APP scam claim upheld; {big} reimbursed."),
            (
                "referred_elsewhere",
                "Partial recovery from receiving bank; remainder referred to the ombudsman process.",
            ),
        ],
        outcome: &[
            "{first}, we've reimbursed the {big} to your account. Thank you for your patience while we looked into this.",
        ],
        escalation: "APP scam above the reimbursement threshold",
    },
    Reason {
        tag: "app_login",
        queue: "digital",
        who: Who::Both,
        weight: 12,
        priority: [2, 7, 2, 0],
        channels: [1, 6, 3, 4, 6, 2, 6, 3, 3],
        subjects: &[
            "Locked out of the mobile app",
            "Can't log in after app update {app}",
            "Security code not arriving for online banking",
        ],
        opening: &[
            "Since the app updated to version {app} it won't accept my passcode and now it's locked me out. I'm on a {device}.",
            "I'm not getting the one-time code by text when I log in to online banking, so I can't get in at all.",
            "The app says 'something went wrong' every time I open it on my {device}. I've reinstalled twice.",
        ],
        short: &[
            "@{bank_handle} app locked me out again after the update. Is it down?",
            "Anyone else unable to log in to the {bank} app this morning? Been trying for an hour",
            "Not getting the security code text, so can't log in. Help!",
        ],
        notes: &[
            "Customer locked out after app update {app} on {device}. Reset app registration and sent activation code by post.",
            "One-time passcodes not arriving: mobile number on file was one digit wrong. Corrected after ID&V.",
            "App crash on launch on {device}; known issue in {app}. Advised to update once the fix is released.",
        ],
        replies: &[
            "Hi {first}, I've reset your app registration. Delete and reinstall the app, then follow the steps to register again.",
            "Hi {first}, the number we had for you was out of date, which is why the codes weren't arriving. It's updated now.",
            "Sorry for the trouble, {first}. Version {app} had a problem on some {device} phones. An update is out now that fixes it.",
        ],
        asks: &[
            "Could you tell us which version of the app you have? It's under Settings, About.",
            "Could you send a screenshot of the error message (without any account details)?",
        ],
        answers: &[
            "It's version {app} on a {device}.",
            "Screenshot attached. It just says error 403 and a reference number.",
        ],
        chasers: &[
            "Still can't log in to the app. This is the second time I've had to contact you about it.",
            "The reset didn't work, it's locked me out again.",
        ],
        resolutions: &[
            ("fixed", "App registration reset; customer logged in on {device}."),
            ("fixed", "Mobile number corrected after ID&V; passcodes now delivered."),
            ("information_given", "Known defect in app {app}; customer updated and logged in."),
        ],
        outcome: &[
            "Glad to hear you're back in, {first}. Let us know if you have any more trouble.",
            "The fix is live, {first}. Update the app and you should be able to log in again.",
        ],
        escalation: "Customer locked out of online banking for more than 48 hours",
    },
    Reason {
        tag: "online_banking_error",
        queue: "digital",
        who: Who::Both,
        weight: 5,
        priority: [2, 7, 1, 0],
        channels: [0, 3, 4, 5, 6, 1, 3, 2, 1],
        subjects: &[
            "Statements missing from online banking",
            "Error when setting up a new payee",
            "Can't download statements",
        ],
        opening: &[
            "My statements for the last three months have disappeared from online banking and I need them for a mortgage application.",
            "Every time I try to add {payee} as a new payee I get an error at the confirmation step.",
        ],
        short: &[
            "@{bank_handle} why can't I download my statements? Keeps timing out",
            "Getting an error adding a new payee in the app. Is there a problem today?",
        ],
        notes: &[
            "Statements missing in online banking; regenerated and posted copies.",
            "New payee error caused by the Confirmation of Payee check failing; added payee by phone after verification.",
        ],
        replies: &[
            "Hi {first}, I've regenerated your statements. They'll be back in online banking within 24 hours, and I've posted paper copies too.",
            "Thanks {first}. The payee check for {payee} failed because the name didn't match the account. I've added it for you after checking the details.",
        ],
        asks: &["Which browser and device are you using when the error appears?"],
        answers: &["Chrome on my laptop, and the same on my {device}."],
        chasers: &["The statements still aren't showing. I need them by Friday."],
        resolutions: &[
            ("fixed", "Statements regenerated and visible online."),
            ("information_given", "Confirmation of Payee mismatch explained; payee {payee} added."),
        ],
        outcome: &["Your statements are back online, {first}, and copies are in the post."],
        escalation: "Missing statements needed for a mortgage deadline",
    },
    Reason {
        tag: "direct_debit",
        queue: "payments",
        who: Who::Both,
        weight: 9,
        priority: [2, 7, 1, 0],
        channels: [2, 6, 4, 4, 5, 2, 3, 2, 1],
        subjects: &[
            "Direct debit to {biller} not paid",
            "Cancelled direct debit still collected by {biller}",
            "Direct debit indemnity claim: {biller}",
        ],
        opening: &[
            "My direct debit to {biller} wasn't paid on {date} and now they're charging me a late fee. There was money in the account.",
            "I cancelled my direct debit to {biller} last month but they've taken {amount} again. I want it back under the Direct Debit Guarantee.",
            "{biller} say they never received my payment of {amount}. Can you check what happened?",
        ],
        short: &[
            "@{bank_handle} my {biller} direct debit bounced and there was money in the account. Now I'm getting a late fee",
            "Cancelled a direct debit to {biller} and they still took {amount}. How do I get it back?",
        ],
        notes: &[
            "Direct debit to {biller} returned unpaid on {date} due to a processing error. Re-presented and fee letter sent to the customer for the biller.",
            "Customer cancelled the {biller} mandate but a collection of {amount} went through. Indemnity claim raised under the Direct Debit Guarantee.",
        ],
        replies: &[
            "Hi {first}, the {biller} direct debit failed because of a problem on our side. We've paid it now and sent a letter you can give {biller} about the late fee.",
            "Thanks {first}. Under the Direct Debit Guarantee we've refunded the {amount} {biller} took, and the mandate is cancelled.",
        ],
        asks: &["Can you confirm the date you cancelled the {biller} direct debit?"],
        answers: &["I cancelled it in the app about three weeks before the payment came out."],
        chasers: &[
            "{biller} have taken the money again. That's twice now.",
            "Still waiting for the refund of {amount} from the direct debit claim.",
        ],
        resolutions: &[
            ("fixed", "Unpaid {biller} collection re-presented; fee letter issued."),
            ("refund_issued", "Direct Debit Guarantee refund of {amount} ({biller})."),
            ("referred_elsewhere", "Customer referred to {biller} about their own billing error."),
        ],
        outcome: &[
            "All done, {first}: the payment to {biller} has gone through.",
            "We've refunded {amount} to your account, {first}, and the {biller} mandate is cancelled.",
        ],
        escalation: "Repeat direct debit failures causing customer detriment",
    },
    Reason {
        tag: "payment_delay",
        queue: "payments",
        who: Who::Both,
        weight: 8,
        priority: [1, 6, 3, 0],
        channels: [2, 7, 3, 3, 6, 2, 4, 2, 1],
        subjects: &["Transfer of {big} to {payee} not arrived", "Payment held for checks", "Faster Payment delayed"],
        opening: &[
            "I sent {big} to {payee} on {date} and it still hasn't arrived. It was supposed to be a Faster Payment.",
            "My payment to {payee} of {big} is showing as 'held'. Why? I need it to go today.",
        ],
        short: &[
            "@{bank_handle} sent {big} yesterday and it still hasn't arrived. So much for faster payments",
            "Why is my transfer being held? Need it to go through today for my house move!",
        ],
        notes: &[
            "Payment of {big} to {payee} held by the fraud screening rules. Customer confirmed it's genuine; released.",
            "Faster Payment of {big} to {payee} rejected by the receiving bank (account details mismatch). Funds returned; customer to recheck the sort code.",
        ],
        replies: &[
            "Hi {first}, your payment to {payee} was held for a routine security check. I've released it, and it should arrive within two hours.",
            "Thanks {first}. The receiving bank rejected the payment because the account details didn't match, and the {big} is back in your account.",
        ],
        asks: &["Can you confirm the sort code and account number you used for {payee}?"],
        answers: &["Sort code 40-11-62, account ending 7731. That's what's on the invoice."],
        chasers: &["Still not arrived and the completion is tomorrow. Please help!"],
        resolutions: &[
            ("fixed", "Held payment of {big} to {payee} released after verification."),
            ("information_given", "Payment rejected by the receiving bank; customer resent with corrected details."),
        ],
        outcome: &["Your payment to {payee} has arrived, {first}."],
        escalation: "Time-critical payment (house completion) delayed",
    },
    Reason {
        tag: "mortgage_payment",
        queue: "mortgages",
        who: Who::Personal,
        weight: 6,
        priority: [1, 6, 2, 0],
        channels: [3, 8, 5, 3, 2, 1, 1, 1, 0],
        subjects: &["Mortgage payment taken twice", "Missed mortgage payment", "Mortgage overpayment query"],
        opening: &[
            "My mortgage payment of {mortgage} has come out twice this month, which has pushed me into my overdraft.",
            "I missed my mortgage payment on {date} because my salary was late. Will this affect my credit file?",
            "I'd like to overpay my mortgage by {big}. Will there be an early repayment charge?",
        ],
        short: &[
            "@{bank_handle} you've taken my mortgage payment twice this month and I'm now overdrawn. Please sort it",
            "Question about overpaying my mortgage, who's best to talk to?",
        ],
        notes: &[
            "Duplicate mortgage collection of {mortgage} on {date}. Second collection refunded with overdraft interest.",
            "Missed payment due to late salary. Payment taken by card on the call; no arrears reported.",
            "Overpayment of {big} within the 10% allowance, no ERC. Explained options to reduce term or payment.",
        ],
        replies: &[
            "Hi {first}, I'm sorry the mortgage payment was taken twice. We've refunded {mortgage} and any overdraft interest it caused.",
            "Thanks {first}. I've taken the missed payment of {mortgage} by card, so your mortgage is up to date and nothing will be reported to the credit reference agencies.",
            "Thanks {first}. You can overpay up to 10% a year without a charge, so {big} is fine. Would you like to lower your monthly payment or shorten the term?",
        ],
        asks: &["Would you like the overpayment to reduce your monthly payment or the mortgage term?"],
        answers: &["Reduce the term please."],
        chasers: &["The refund of the duplicate mortgage payment still isn't in my account."],
        resolutions: &[
            ("refund_issued", "Duplicate collection of {mortgage} refunded with interest."),
            ("fixed", "Missed payment collected; account up to date, nothing reported to credit agencies."),
            ("information_given", "Overpayment rules explained; {big} overpayment applied to reduce the term."),
        ],
        outcome: &["Everything is up to date on your mortgage, {first}. Thanks for getting in touch."],
        escalation: "Duplicate mortgage collection caused overdraft charges",
    },
    Reason {
        tag: "mortgage_rate_switch",
        queue: "mortgages",
        who: Who::Personal,
        weight: 4,
        priority: [2, 8, 1, 0],
        channels: [3, 7, 5, 4, 2, 0, 1, 1, 0],
        subjects: &["Fixed rate ending: product switch", "Rate switch application stuck"],
        opening: &[
            "My fixed rate ends next month and I haven't had any offer from you. What rates can I switch to?",
            "I applied to switch to the {rate} two-year fix two weeks ago and the application still says 'in progress'.",
        ],
        short: &[
            "@{bank_handle} my fix ends in 3 weeks and still no product switch offer. Do I need to look elsewhere?",
        ],
        notes: &[
            "Customer's fixed rate ends soon. Went through switch options; customer chose the {rate} two-year fix. Offer issued.",
            "Product switch stuck awaiting valuation that isn't needed for a switch. Pushed through manually.",
        ],
        replies: &[
            "Hi {first}, you can switch to our two-year fix at {rate} with no fee. I've sent the offer to your email.",
            "Sorry for the delay, {first}. Your switch application was waiting on a step it didn't need. It's approved now.",
        ],
        asks: &["Please sign and return the offer document so we can complete your switch."],
        answers: &["Signed and returned the offer this morning."],
        chasers: &["Any update on the rate switch? My current deal ends on Friday."],
        resolutions: &[
            ("fixed", "Product switch to {rate} fixed completed."),
            ("information_given", "Switch options explained; customer to apply online."),
        ],
        outcome: &["Your new rate of {rate} starts on your next payment date, {first}."],
        escalation: "Product switch not completed before the fixed rate ends",
    },
    Reason {
        tag: "fees_dispute",
        queue: "complaints",
        who: Who::Both,
        weight: 6,
        priority: [1, 6, 3, 0],
        channels: [3, 6, 5, 4, 3, 1, 4, 3, 1],
        subjects: &[
            "Overdraft fee of {fee} disputed",
            "Unexpected charges on account ending {acct}",
            "Foreign transaction fee complaint",
        ],
        opening: &[
            "I've been charged {fee} for going {amount} over my overdraft limit for one day. That's disproportionate and I'd like it refunded.",
            "There are charges on my account ending {acct} I don't understand. Nobody told me about a monthly fee.",
            "I was charged a foreign transaction fee on a payment to {merchant}, which I thought was a UK company.",
        ],
        short: &[
            "@{bank_handle} {fee} in fees for going {amount} overdrawn for ONE day. Shameful.",
            "Why have I been charged a monthly fee I never agreed to? Account ending {acct}",
        ],
        notes: &[
            "Customer disputes {fee} overdraft charge. First occurrence in 12 months; refunded as a goodwill gesture.",
            "Monthly account fee explained (packaged account upgrade on {date}). Customer wants to downgrade; done.",
            "Foreign transaction fee on {merchant}: the merchant takes payments outside the UK, so the fee was correctly applied. Explained.",
        ],
        replies: &[
            "Hi {first}, I've looked into the {fee} charge. As this is the first time in a year, I've refunded it as a gesture of goodwill.",
            "Thanks {first}. The monthly fee is for the packaged account you upgraded to on {date}. I've moved you back to the free account as you asked.",
            "Hi {first}, {merchant} takes payments through a company based outside the UK, which is why the fee applied. I'm sorry this wasn't clearer.",
        ],
        asks: &["Could you tell us which transactions you think the charges relate to?"],
        answers: &["The {fee} on the 3rd and the same again on the 17th."],
        chasers: &["I still haven't had a response about the fees. Second time of asking."],
        resolutions: &[
            ("refund_issued", "Goodwill refund of {fee}."),
            ("information_given", "Packaged account fee explained; account downgraded."),
            ("no_fault_found", "Charges applied correctly under the account terms; explained to the customer."),
        ],
        outcome: &[
            "We've refunded the {fee} to your account, {first}.",
            "I've explained the charges in the letter we've sent, {first}. If you're not happy with our answer, you can refer it to the Financial Ombudsman Service.",
            "I'm sorry we can't refund the fee this time, {first}. Our letter explains why, and your right to refer it to the Financial Ombudsman Service.",
        ],
        escalation: "Customer asked for a formal complaint",
    },
    Reason {
        tag: "branch_service",
        queue: "branches",
        who: Who::Both,
        weight: 5,
        priority: [3, 6, 1, 0],
        channels: [8, 3, 3, 3, 1, 0, 4, 3, 2],
        subjects: &["Long wait at {branch}", "Branch couldn't process a cheque", "Branch opening hours changed"],
        opening: &[
            "I waited 50 minutes at {branch} to pay in a cheque, with only one counter open. Not good enough.",
            "The staff at {branch} told me they couldn't pay in my cheque for {amount} without a paying-in book. Nobody told me that.",
            "Why has {branch} started closing at 3pm? I work until 5 and can't get there.",
        ],
        short: &[
            "50 minutes in the queue at {bank} {branch} with one counter open. Come on @{bank_handle}",
            "@{bank_handle} is {branch} closing? Opening hours have changed again",
        ],
        notes: &[
            "Customer unhappy with wait times at {branch}. Feedback passed to the branch manager; apologised.",
            "Cheque for {amount} paid in at the counter after ID check. Paying-in book ordered.",
            "Customer unhappy about shorter opening hours at {branch}. Explained Saturday opening and the app; feedback passed to the regional team.",
        ],
        replies: &[
            "Sorry about your wait at {branch}, {first}. I've passed your feedback to the branch manager, who is reviewing staffing at lunchtime.",
            "Hi {first}, you can also pay cheques in with the app by taking a photo. I've ordered a paying-in book for you too.",
            "Hi {first}, {branch} changed its hours after a review of when customers visit. It's still open on Saturday mornings, and I've passed your feedback on.",
        ],
        asks: &["What time were you in the branch, so the manager can look into it?"],
        answers: &["About 12:30 on {date}."],
        chasers: &["Same thing happened again at {branch} today."],
        resolutions: &[
            ("information_given", "Feedback logged with the branch manager; cheque imaging explained."),
            ("fixed", "Cheque of {amount} credited; paying-in book ordered."),
            ("referred_elsewhere", "Passed to the regional branch team about opening hours."),
        ],
        outcome: &["Thanks for your patience, {first}. The branch team have your feedback."],
        escalation: "Repeated complaints about the same branch",
    },
    Reason {
        tag: "address_change",
        queue: "branches",
        who: Who::Both,
        weight: 4,
        priority: [5, 5, 0, 0],
        channels: [5, 4, 3, 5, 4, 0, 0, 1, 0],
        subjects: &["Change of address", "Update contact details"],
        opening: &[
            "I've moved house and need to update my address. The app won't let me do it because the new postcode isn't recognised.",
            "Please update my phone number and email; I no longer use the old ones.",
        ],
        short: &["@{bank_handle} how do I change my address when the app doesn't recognise my new postcode?"],
        notes: &[
            "Address updated after ID&V; new postcode added manually.",
            "Contact details updated; confirmation letter sent to the new address.",
        ],
        replies: &[
            "Hi {first}, your address is updated. You'll get a letter confirming it in the next few days.",
            "Thanks {first}, your contact details are updated.",
        ],
        asks: &["Please bring photo ID and proof of your new address to any branch, or upload them in the app."],
        answers: &["Uploaded my council tax bill and driving licence."],
        chasers: &["My statements are still going to the old address."],
        resolutions: &[
            ("fixed", "Address updated after ID&V."),
            ("information_given", "Explained how to update the address in the app."),
        ],
        outcome: &["All done, {first}: we have your new details."],
        escalation: "Post still going to an old address after an update",
    },
    Reason {
        tag: "service_complaint",
        queue: "complaints",
        who: Who::Both,
        weight: 4,
        priority: [1, 5, 3, 0],
        channels: [2, 5, 5, 4, 2, 1, 6, 4, 2],
        subjects: &[
            "Complaint about hold times",
            "Complaint: promised call back never came",
            "Complaint about how I was treated",
        ],
        opening: &[
            "I was on hold for 55 minutes yesterday and then got cut off. This is the third time this week.",
            "I was promised a call back within 24 hours on {date}. Nobody called. I want to make a formal complaint.",
            "The person I spoke to on the phone was dismissive and didn't listen. I'd like this looked into.",
        ],
        short: &[
            "55 mins on hold to @{bank_handle} then cut off. Unbelievable.",
            "Still waiting on that call back @{bank_handle}. Promised within 24 hours on {date}.",
            "@{bank_handle} worst customer service I've had in years",
        ],
        notes: &[
            "Formal complaint about hold times. Apologised; {fee} compensation for call costs and inconvenience.",
            "Missed call back logged as a complaint; customer called back the same day and issue resolved.",
            "Customer unhappy with how a previous call was handled. Listened to the recording; feedback given to the agent's team leader.",
        ],
        replies: &[
            "{first}, I'm really sorry about your experience. I've logged this as a complaint and I'll be looking after it personally.",
            "Sorry we didn't call you back as promised, {first}. I've logged it as a complaint and I'll call you myself today.",
            "Hi {first}, thank you for telling us. I've listened to the call and I agree it wasn't the service you should expect.",
        ],
        asks: &["Could you give us a number and time that suits you for a call back?"],
        answers: &["Any time after 5pm on my mobile please."],
        chasers: &["It's been {days} days since I complained. Still no final response."],
        resolutions: &[
            ("refund_issued", "Complaint upheld; {fee} compensation paid."),
            ("information_given", "Complaint partly upheld; final response letter sent with ombudsman rights."),
        ],
        outcome: &[
            "We've paid {fee} into your account to say sorry, {first}. Our final response letter is in the post.",
            "Our final response letter is in the post, {first}. Thank you for raising this with us.",
        ],
        escalation: "Formal complaint: eight-week deadline",
    },
    Reason {
        tag: "card_terminal",
        queue: "payments",
        who: Who::Business,
        weight: 10,
        priority: [0, 4, 5, 1],
        channels: [1, 10, 4, 3, 3, 1, 2, 1, 0],
        subjects: &[
            "Card terminal offline",
            "Card machine settlement missing for {date}",
            "Terminal rejecting contactless",
        ],
        opening: &[
            "Our card terminal at {business} has been offline since opening. We're losing sales; we need an engineer today.",
            "The card takings for {date} ({big}) haven't been settled to our account.",
            "The terminal keeps rejecting contactless payments over {amount}.",
        ],
        short: &[
            "@{bank_handle} card machine down AGAIN at {business}. Cash only today, thanks for nothing",
            "Card terminal offline since 9am, can someone call us back please",
        ],
        notes: &[
            "Terminal offline: SIM fault. Engineer booked for today; customer advised to use the Tap to Pay app meanwhile.",
            "Settlement of {big} for {date} delayed by a batch failure; reprocessed.",
            "Terminal rejecting contactless over {amount}: floor limit set incorrectly. Updated remotely.",
        ],
        replies: &[
            "Hi {first}, an engineer will be with you at {business} by 4pm today. In the meantime you can take payments with the Tap to Pay app.",
            "Thanks {first}. The settlement for {date} failed in overnight processing; it has been re-run and the {big} will arrive tomorrow morning.",
            "Hi {first}, your terminal's contactless limit was set too low. I've updated it remotely: restart the terminal and it will accept contactless up to £100.",
        ],
        asks: &["Could you read us the terminal ID from the back of the card machine?"],
        answers: &["Terminal ID ends 4471."],
        chasers: &["Still no engineer and we've been card-less all day."],
        resolutions: &[
            ("fixed", "Terminal SIM replaced; terminal online."),
            ("fixed", "Settlement of {big} reprocessed."),
            ("fixed", "Contactless limit on the terminal corrected remotely."),
        ],
        outcome: &[
            "Your card machine is back online, {first}. Sorry for the disruption at {business}.",
            "The {big} settlement for {date} has been paid into your account, {first}.",
            "Your terminal now accepts contactless payments up to £100, {first}.",
        ],
        escalation: "Merchant unable to take card payments for a full trading day",
    },
    Reason {
        tag: "bulk_payment",
        queue: "payments",
        who: Who::Business,
        weight: 8,
        priority: [0, 5, 4, 1],
        channels: [0, 8, 6, 3, 3, 0, 1, 0, 0],
        subjects: &["Payroll file rejected", "Bulk payment of {big} not processed", "Add a second authoriser"],
        opening: &[
            "Our payroll file for {business} was rejected this morning with error 'invalid sort code on line 14'. Staff need paying today.",
            "A bulk payment of {big} to suppliers hasn't gone out even though it was authorised yesterday.",
            "We need to add our new finance manager as a second authoriser on the business account.",
        ],
        short: &["@{bank_handle} payroll file rejected, staff need paying today. Please call {business} urgently"],
        notes: &[
            "Payroll file rejected due to one invalid sort code. Customer corrected line 14 and resubmitted; processed same day.",
            "Bulk payment awaiting the second authorisation. Explained the dual-control rules.",
            "Second authoriser added after mandate form received.",
        ],
        replies: &[
            "Hi {first}, one line in the file had a sort code that doesn't exist. Once corrected and uploaded again, the payroll will go out today.",
            "Thanks {first}. The payment needs a second authoriser before it's released. Once they approve it in the app, it will go.",
            "Thanks {first}. Once we have the signed mandate form, we'll add your new finance manager as an authoriser within 2 working days.",
        ],
        asks: &["Please send the signed mandate form for the new authoriser."],
        answers: &["Signed mandate attached."],
        chasers: &["Payroll still hasn't gone. Staff are asking where their wages are."],
        resolutions: &[
            ("fixed", "Payroll file corrected and processed."),
            ("information_given", "Dual authorisation explained; payment released."),
            ("fixed", "Second authoriser added to the business mandate."),
        ],
        outcome: &[
            "The payroll has gone out, {first}.",
            "The supplier payments have been released, {first}.",
            "Your new authoriser is set up, {first}. They'll receive their login details by post.",
        ],
        escalation: "Payroll at risk of missing the same-day cut-off",
    },
];

/// What a public first reply says before moving the conversation to private messages.
pub(crate) const PUBLIC_ACKS: &[&str] = &[
    "Hi {first}, sorry to hear this. We've sent you a DM so we can look into it. Please don't share any account details here. ^{initials}",
    "Thanks for letting us know, {first}. Can you send us a DM with your full name and postcode so we can help? ^{initials}",
    "We're sorry about this, {first}. We'd like to help: please check your DMs. ^{initials}",
];

pub(crate) const GENERIC_CHASERS: &[&str] = &[
    "Any update on this? It's been {days} days.",
    "Hello? Still waiting to hear back about {ref}.",
    "I haven't heard anything since I got in touch. Is anyone looking at this?",
];

/// Progress updates, after the customer has told us more or chased us.
pub(crate) const UPDATES: &[&str] = &[
    "Thanks {first}, that's helpful. I'm looking into it now and will update you as soon as I can.",
    "Thanks for the extra detail, {first}. I've passed this to the team and will be back in touch within 2 working days.",
    "Hi {first}, just to let you know we're still working on {ref}. Sorry it's taking longer than we'd like.",
    "Sorry for the wait, {first}. I've chased the team and asked them to prioritise {ref}.",
];

/// A first answer after a case is reopened.
pub(crate) const REOPEN_REPLIES: &[&str] = &[
    "Sorry to hear it's happened again, {first}. I've reopened {ref} and I'm looking into it now.",
    "Thanks for coming back to us, {first}. I've reopened your case and will update you today.",
];

pub(crate) const PENDING_NUDGES: &[&str] =
    &["We're still waiting for the information we asked for about {ref}. Reply to this message when you can."];

pub(crate) const REOPEN_REASONS: &[&str] = &[
    "Customer says the problem has come back",
    "Customer replied that the fix did not work",
    "Refund not received as promised",
    "Customer unhappy with the outcome",
];

pub(crate) const HOP_POSTS: &[&str] = &[
    "Rang @{bank_handle} yesterday and was promised a call back within 24 hours. Nothing. Not impressed.",
    "Spent 40 minutes on the phone to @{bank_handle} yesterday and still no fix. Do I have to complain on here to get anything done?",
    "@{bank_handle} went into {branch} yesterday and was told someone would call me. Still waiting.",
];

/// Contacts that never become a case: routine visits, quick questions, notifications.
pub(crate) struct OneOff {
    pub channel_index: usize,
    pub inbound: bool,
    pub system: bool,
    pub summary: &'static str,
    pub body: Option<&'static str>,
}

pub(crate) const ONE_OFFS: &[OneOff] = &[
    OneOff {
        channel_index: 0,
        inbound: true,
        system: false,
        summary: "Branch visit ({branch}): paid in a cheque for {amount}",
        body: Some("Cheque paid in at the counter. Receipt given."),
    },
    OneOff {
        channel_index: 0,
        inbound: true,
        system: false,
        summary: "Branch visit ({branch}): cash withdrawal of {big}",
        body: Some(
            "Large cash withdrawal; customer asked the purpose as per policy (paying a builder). Photo ID seen.",
        ),
    },
    OneOff {
        channel_index: 0,
        inbound: true,
        system: false,
        summary: "Branch visit ({branch}): ordered a PIN reminder",
        body: None,
    },
    OneOff {
        channel_index: 1,
        inbound: true,
        system: false,
        summary: "Call: balance and recent transactions",
        body: Some("Customer asked for the balance and last five transactions. ID&V passed."),
    },
    OneOff {
        channel_index: 1,
        inbound: true,
        system: false,
        summary: "Call: asked about the cut-off for same-day payments",
        body: Some("Explained Faster Payments are 24/7; CHAPS cut-off is 3:30pm."),
    },
    OneOff {
        channel_index: 2,
        inbound: false,
        system: true,
        summary: "Your annual statement is ready",
        body: Some(
            "Dear {first},\n\nYour annual statement for the account ending {acct} is now available in online banking.\n\n{bank}",
        ),
    },
    OneOff {
        channel_index: 4,
        inbound: true,
        system: false,
        summary: "Chat: how to set up a standing order",
        body: Some(
            "{first}: How do I set up a monthly standing order to {payee}?\nAgent ({agent}): In the app, go to Payments, then Standing orders, then New. You'll need their sort code and account number.\n{first}: Done, thanks!",
        ),
    },
    OneOff {
        channel_index: 4,
        inbound: true,
        system: false,
        summary: "Chat: asked about using the card abroad",
        body: Some(
            "{first}: Do I need to tell you before I travel?\nAgent ({agent}): No need, {first}. Your card works abroad and we'll text you if we see anything unusual.",
        ),
    },
    OneOff {
        channel_index: 5,
        inbound: false,
        system: true,
        summary: "{bank}: your new card ending {newcard} has been dispatched and should arrive within 5 working days.",
        body: None,
    },
    OneOff {
        channel_index: 5,
        inbound: false,
        system: true,
        summary: "{bank}: did you try to pay {amount} at {merchant}? Reply Y if this was you or N if not.",
        body: None,
    },
    OneOff { channel_index: 5, inbound: true, system: false, summary: "Y", body: None },
    OneOff {
        channel_index: 6,
        inbound: true,
        system: false,
        summary: "Shout out to the team at @{bank_handle} {branch}, sorted my problem in 10 minutes. Proper service.",
        body: None,
    },
    OneOff {
        channel_index: 8,
        inbound: true,
        system: false,
        summary: "Love the new savings pots in the @{bank_handle} app",
        body: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_is_complete() {
        for r in REASONS {
            assert!(crate::words::QUEUES.contains(&r.queue), "{}", r.tag);
            for list in [r.subjects, r.opening, r.short, r.notes, r.replies, r.asks, r.answers, r.chasers, r.outcome] {
                assert!(!list.is_empty(), "{}", r.tag);
            }
            assert!(!r.resolutions.is_empty());
            let codes = tideline_core::ClosureCatalogue::default();
            for (code, _) in r.resolutions {
                assert!(codes.contains(code), "{}: {code}", r.tag);
            }
            assert!(r.priority.iter().sum::<u32>() > 0 && r.channels.iter().sum::<u32>() > 0);
        }
    }
}
