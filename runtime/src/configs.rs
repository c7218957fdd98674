//! Configuration of every pallet in the runtime.

use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::HoldConsideration, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, LinearStoragePrice,
		VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};

use super::*;

/// Share of a block's weight and length open to normal transactions; the
/// rest is kept for operational ones.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per 3-second block leaves time to gossip and import.
	pub RuntimeBlockWeights: frame_system::limits::BlockWeights =
		frame_system::limits::BlockWeights::with_sensible_defaults(
			Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
			NORMAL_DISPATCH_RATIO,
		);
	pub RuntimeBlockLength: frame_system::limits::BlockLength =
		frame_system::limits::BlockLength::builder()
			.max_length(5 * 1024 * 1024)
			.modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO * *max
			})
			.build();
	/// Generic Substrate address format.
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores its state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch; agreements' clocks run on it.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	/// Measured on this chain's reference machine with the qos pallets.
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// Batches: an owner registers a fleet's instances, a client makes many
/// agreements, in one transaction each. Batching changes no origin: every
/// call in a batch is checked as if sent alone.
impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

/// Blocks after a period's window settled during which only its designated
/// accounting node may record it (15 s).
pub const SUBMIT_GRACE_BLOCKS: BlockNumber = 5;
/// Shortest billing period (40 s): long enough for monitors to settle their
/// reports, the designated node's grace and a second node's pull, so that
/// recording keeps up with the periods.
pub const MIN_PERIOD_MS: u64 = 40_000;
const _: () = assert!(
	MIN_PERIOD_MS >= qos_primitives::REPORT_SETTLE_MS + 2 * SUBMIT_GRACE_BLOCKS as u64 * MILLI_SECS_PER_BLOCK,
	"a period must cover settle time, the grace and a second pull"
);

parameter_types! {
	/// Longest monitor URL an owner may register.
	pub const MaxUrlLen: u32 = 256;
	/// Most billing periods in one agreement.
	pub const MaxPeriods: u32 = 10_000;
	/// Shortest billing period.
	pub const MinPeriodMs: u64 = MIN_PERIOD_MS;
	/// Lowest price of a period (a thousandth of a QOS).
	pub const MinPricePerPeriod: Balance = MILLI_UNIT;
	/// Fee burned per instance and period for the accounting nodes' work.
	pub const AccountingFee: Balance = 10 * MICRO_UNIT;
	/// Wrong OTPs a client may send for a period before it is disputed.
	pub const MaxOtpAttempts: u32 = 3;
	/// Blocks after a period is recorded during which the client confirms or
	/// contests it and the owner may contest a breach (one hour); after it an
	/// undisputed period is paid per its verdict.
	pub const ContestWindow: BlockNumber = HOURS;
	/// Blocks an arbiter has to resolve a dispute (one day).
	pub const ArbitrationWindow: BlockNumber = DAYS;
	/// An unresolved dispute is split in half.
	pub const UnresolvedDisputeOwnerShare: Perbill = Perbill::from_percent(50);
	/// A period without a final metrics block ten minutes after its window
	/// settled lapses and is refunded.
	pub const RecordDeadlineMs: u64 = 10 * 60 * 1_000;
	/// What the start of a block may spend lapsing overdue periods: 5 % of
	/// the block's compute, some 40 agreements or a thousand periods.
	pub MaxLapseWeight: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND / 20, u64::MAX);
	/// Finished agreements are kept a week before they may be pruned.
	pub const AgreementRetention: BlockNumber = 7 * DAYS;
	/// Storage deposits: a base and a price per stored byte.
	pub const DepositBase: Balance = MILLI_UNIT;
	pub const DepositPerByte: Balance = MICRO_UNIT;
	pub const ServiceDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::SlaVerification(pallet_sla_verification::HoldReason::ServiceDeposit);
	pub const AgreementDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::SlaVerification(pallet_sla_verification::HoldReason::AgreementDeposit);
}

/// A storage deposit held on the depositor's balance under `Reason`.
pub type StorageDeposit<Reason> =
	HoldConsideration<AccountId, Balances, Reason, LinearStoragePrice<DepositBase, DepositPerByte, Balance>>;

impl pallet_escrow_release::Config for Runtime {
	type Currency = Balances;
	type WeightInfo = pallet_escrow_release::weights::SubstrateWeight<Runtime>;
}

impl pallet_sla_verification::Config for Runtime {
	type Escrow = EscrowRelease;
	type Metrics = MetricsBlocks;
	type Time = Timestamp;
	/// Root, i.e. sudo on dev chains, is the last-resort arbiter.
	type ArbiterOrigin = frame_system::EnsureRoot<AccountId>;
	type ServiceDeposit = StorageDeposit<ServiceDepositReason>;
	type AgreementDeposit = StorageDeposit<AgreementDepositReason>;
	type AccountingFee = AccountingFee;
	type MinPricePerPeriod = MinPricePerPeriod;
	type MaxUrlLen = MaxUrlLen;
	type MaxOffers = ConstU32<4>;
	type MaxArbiters = ConstU32<4>;
	type MaxReasonLen = ConstU32<256>;
	type MaxPeriods = MaxPeriods;
	type MinPeriodMs = MinPeriodMs;
	type MaxOtpAttempts = MaxOtpAttempts;
	type ContestWindow = ContestWindow;
	type ArbitrationWindow = ArbitrationWindow;
	type UnresolvedDisputeOwnerShare = UnresolvedDisputeOwnerShare;
	type RecordDeadlineMs = RecordDeadlineMs;
	type MaxLapseWeight = MaxLapseWeight;
	type AgreementRetention = AgreementRetention;
	type PruneBatch = ConstU32<256>;
	type WeightInfo = pallet_sla_verification::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmark_helpers::SlaBenchHelper;
}

/// The accounting nodes are the Aura authorities.
pub struct AuraAuthorities;
impl frame_support::traits::Get<alloc::vec::Vec<AuraId>> for AuraAuthorities {
	fn get() -> alloc::vec::Vec<AuraId> {
		pallet_aura::Authorities::<Runtime>::get().into_inner()
	}
}

impl pallet_metrics_blocks::Config for Runtime {
	type Authorities = AuraAuthorities;
	type Agreements = SlaVerification;
	type MetricsHandler = SlaVerification;
	type UnixTime = Timestamp;
	type MaxAuthorities = ConstU32<32>;
	/// After 5 blocks (15 s) past a settled window, any accounting node may
	/// record a period the designated one did not.
	type SubmitGrace = ConstU32<SUBMIT_GRACE_BLOCKS>;
	type MillisecsPerBlock = ConstU64<MILLI_SECS_PER_BLOCK>;
	type RetainPeriods = ConstU32<256>;
	type TransactionPriority = ConstU64<{ sp_runtime::transaction_validity::TransactionPriority::MAX / 2 }>;
	type WeightInfo = pallet_metrics_blocks::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmark_helpers::MetricsBenchHelper;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = TxExtension;

	fn create_transaction(call: RuntimeCall, extension: TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	/// Authorized calls have no signer: nonce and fee checks pass them
	/// through, `AuthorizeCall` validates them.
	fn create_extension() -> TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}
