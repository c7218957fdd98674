//! The pallet's errors for the primitives' validation failures.

use qos_primitives::{sla::SlaError, url::UrlError};

use crate::{Config, Error};

impl<T: Config> From<SlaError> for Error<T> {
	fn from(e: SlaError) -> Self {
		match e {
			SlaError::PermilleOutOfRange => Error::<T>::SlaPermilleOutOfRange,
			SlaError::PercentOutOfRange => Error::<T>::SlaPercentOutOfRange,
			SlaError::TiersNotOrdered => Error::<T>::SlaTiersNotOrdered,
			SlaError::HealthyInstancesOutOfRange => Error::<T>::SlaHealthyInstancesOutOfRange,
			SlaError::TooManyCreditTiers => Error::<T>::TooManyCreditTiers,
		}
	}
}

impl<T: Config> From<UrlError> for Error<T> {
	fn from(e: UrlError) -> Self {
		match e {
			UrlError::Empty => Error::<T>::UrlEmpty,
			UrlError::BadCharacter => Error::<T>::UrlBadCharacter,
			UrlError::NotHttp => Error::<T>::UrlNotHttp,
			UrlError::NoHost => Error::<T>::UrlNoHost,
			UrlError::HasCredentials => Error::<T>::UrlHasCredentials,
			UrlError::BadPort => Error::<T>::UrlBadPort,
			UrlError::HasQueryOrFragment => Error::<T>::UrlHasQueryOrFragment,
		}
	}
}
